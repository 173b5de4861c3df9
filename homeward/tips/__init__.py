"""Clues: public and mandatory reports, triage, rewards (渝府办发〔2021〕152号 二、(一)1; 三、(四); 五、(四))."""
