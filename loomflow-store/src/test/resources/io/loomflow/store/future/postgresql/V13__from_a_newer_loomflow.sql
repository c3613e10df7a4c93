-- A migration only a newer Loomflow has: the tests add it to show that an older build refuses the store.
CREATE TABLE lf_future (id INTEGER PRIMARY KEY);
