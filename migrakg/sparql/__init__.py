"""The SPARQL engine: the store, the query service and its workers, the guard, results, remote backends, updates, the service description."""
