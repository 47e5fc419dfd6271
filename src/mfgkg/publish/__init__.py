"""What the graph is published as: exports to graph tools, the explorer page, ontology
documentation and the SPARQL endpoint."""
