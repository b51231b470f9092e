"""Job matching: a pure NumPy core (arrays, engine, explain) and, later, the
index built from the database."""
