"""ppkg: the political prisoners knowledge graph server."""
