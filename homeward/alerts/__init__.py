"""Missing-child emergency alerts (rules 三、(二)): publication with the homicide-level
response, time-expanding geo-targeted rings, exactly-once delivery, the CAP 1.2 partner
feed, the public alert page and sightings."""
