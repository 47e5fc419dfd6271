"""SHACL validation: the compiled engine (shapes to SPARQL) and pySHACL, one report."""
