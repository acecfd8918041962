"""Spelling: the words a reader may mean by the words typed.

``terms`` reads the index's words fast enough for a query (the words near
one the index lacks, those that complete a prefix), ``respellings`` names
the shapes one word is respelled by (a long vowel, a letter of the g, t or
s sounds), and ``offered`` is what a search makes of them: the suggestion,
the completions, a rare word's commoner spelling searched with it, and the
spellings shown beside the results.  Search for a word's spellings that the
archive itself writes (mined at build time) is in search/variants/.
"""
