"""Drift: fetch a spec (file, URL or cluster), import a kind from it, and diff two specs."""
