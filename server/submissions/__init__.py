"""Submissions: partners send RDF, it is kept and validated, reviewers accept or reject it."""
