"""Writes and their rules: create, update and delete with the `lastchange` check."""
