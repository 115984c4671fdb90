"""The SPARQL 1.1 Protocol endpoint: request parsing, negotiation, safety checks, description."""
