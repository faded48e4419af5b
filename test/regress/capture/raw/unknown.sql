-- captured from application_name "[unknown]": 2 distinct statements
SET application_name = 'jdbc-client-test';
SET application_name = 'jdbc-metadata-test';
