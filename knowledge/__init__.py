"""IKZ domain: data model, ingestion, chunking, indexing, retrieval and answers."""
