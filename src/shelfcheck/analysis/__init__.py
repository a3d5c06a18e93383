"""Shared analyses: computed once per listing (or per photo) and read by every rule.

Each module is a set of pure functions over text, the policy and the tools;
:class:`shelfcheck.facts.Facts` calls them lazily and caches the results.
"""
