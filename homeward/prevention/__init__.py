"""Prevention (rules chapter 二): the ledger of people at risk and their visits, school
dropouts followed until back (控辍保学), street minors and abandoned infants, checks at
household registration and adoption, and released offenders under follow-up."""
