"""The police-only DNA module: specimens, reference families, imports, kinship
matching runs and their review. Only public security may collect or compare these
data (渝府办发〔2021〕152号 三、(三))."""
