-- The result of each flow run, as JSON, for `loomflow show` and the server's run page.
ALTER TABLE lf_run ADD COLUMN result VARCHAR(1000000);
