"""Spellings of one word, found in the index's own vocabulary.

Arabic news writes the same word several ways: a long vowel written or not
(هوليوود / هوليود, بروكسل / بروكسيل), ي and ر in either order (أمريكي /
أميركي), any of ج غ ك ق for the g of a foreign name (إنجلترا / إنكلترا /
إنغلترا), a name's final ا or ة.  No fixed rule can merge these without also
merging real words one letter apart (الأمير / الأمر, القادم / القدم), and no
list can know the next new name.  So every build mines the index's stems for
them (an add, the pairs its new words make), in four steps:

1. *Shape.*  Stems that share a skeleton (the stem with its long vowels
   after the first letter dropped, the g-sound letters made one, تش
   written ش, a final ا / ه dropped; and, to group them, the letters of a
   t or s sound made one) and are at most one edit apart (two for long
   stems; a t or s letter for another only between long stems) are
   candidates, unless a pair of Arabic's patterns tells them apart as two
   words of one root (احرز / احراز, طابق / طوابق: search.patterns).  A
   stem and itself with a final ا are not, unless the articles write the
   stem with a final ة, which the stemmer cut (بنزيمة → بنزيم, بنزيما).
2. *Evidence*, weighed together into one score (weights fitted on pairs of
   the shared corpus labelled by hand, see MinerConfig):
   - house style: each outlet keeps to its own spelling of a name, so two
     spellings of one word are written by different outlets (the distance
     between their outlets, how sure it is, and how purely each outlet
     keeps to one), while two words are written by the same ones;
   - context: the articles of each spelling are about the same things
     (cosine of the positive PMI profiles of the words their articles use);
   - the lexicon: a rarer spelling that general Arabic knows well as a
     word of its own (wordfreq) is more likely a different word, and two
     established words of about the same frequency are never merged.
   A pair the score leaves a little short, or joins though the two
   spellings' articles share no context (an outlet's topic read as its
   house style), is decided by the words the two stand between
   (Neighbours).  Whatever the evidence, two stems are two words when
   the articles write the letters of one after the letter of a
   preposition (ب ك ل) and those of the other not (بيونيس's يونيس,
   Buenos, beside يونس): the first is a name that begins with that
   letter (shapes.led_apart); so for the spellings of step 3 too.

3. *Hardly written spellings.*  A stem in fewer articles than the evidence
   needs (ميركيل, in one) is joined to its commonest respelling (the
   shapes of ``respellings``) when the lexicon does not know it as a word
   and the two stand in the same places (Neighbours).  A long stem (7
   letters or more) needs no such test; it joins however many articles
   write it, and one the lexicon knows if it knows the usual spelling
   better.  Nor does a shorter one that writes a foreign g as ج where
   the usual spelling writes غ, nor one of 6 letters in fewer articles
   than the evidence needs whose usual spelling has a ي or و more or
   less (sure_leaf, hardly_leaf: بورندي, ميركيل).  It is searched with
   every search for the usual spelling, at half the weight that spelling
   would have (a quarter for the last kind).  So is a spelling a few
   articles write where most write another (تايلند 24, تايلاند 184), when
   most of its neighbours are the usual spelling's too (minority_share):
   the evidence of step 2 seldom sees it.

4. *Form leaves.*  A hardly written spelling, or one a few articles
   write, that the stemmer cuts where its usual spelling stays whole
   (كرونا, read as ك + رون, beside كورونا) has a stem no pair can join;
   its written forms are joined to the usual stem instead, by the same
   tests (FormLeaf, mine_forms), and searched as written; a name in يا
   with a ي or و less or more, by its shape (hardly_form: نيجريا, cut
   to Niger's نيجر, beside نيجيريا).

The pairs kept are saved beside the index (``spellings.json``); the query
builder searches every spelling of a query word that they join.
``akhbar eval --spellings bench/spellings.tsv`` measures what this finds and
what it wrongly merges (docs/relevance.md).

Where each part is: ``shapes`` (step 1, and the shapes of step 3),
``evidence`` (step 2's score), ``neighbours`` (the words around a
spelling, for steps 2 to 4), ``forms`` (step 4), ``postings`` (the index's
lists, as arrays), ``config`` (every setting, with the measurement that chose
it), ``mining`` (a build's or an add's run of the four steps) and ``table``
(the saved table, and the Spellings a search reads from it).
"""

from __future__ import annotations


from search.variants.config import MinerConfig
from search.variants.evidence import Contexts, Evidence, Outlets, decide, judge, weigh
from search.variants.forms import FormLeaf, form_candidates, mine_forms
from search.variants.mining import mine, update
from search.variants.neighbours import Neighbours
from search.variants.postings import EXACT_FIELD, FIELD, Postings, id_order
from search.variants.shapes import (alef_for_ya, candidates, edits, family_zipf, final_ta_stems, hardly_leaf,
                                    lead_profile, led_apart, minority_candidates, rare_candidates, skeleton, sure_leaf,
                                    usual_spelling, vowel_apart)
from search.variants.table import FILE, Spellings, leaf_weight

__all__ = [
    "EXACT_FIELD", "FIELD", "FILE", "Contexts", "Evidence", "FormLeaf", "MinerConfig", "Neighbours", "Outlets",
    "Postings", "Spellings", "alef_for_ya", "candidates", "decide", "edits", "family_zipf", "final_ta_stems",
    "form_candidates", "hardly_leaf", "id_order", "judge", "lead_profile", "leaf_weight", "led_apart", "mine",
    "mine_forms", "minority_candidates", "rare_candidates", "skeleton", "sure_leaf", "update", "usual_spelling",
    "vowel_apart", "weigh",
]
