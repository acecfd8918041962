"""The mining's settings, each with the measurement that chose it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MinerConfig:
    """What the mining needs to see; the spelling evaluation chose these."""

    min_length: int = 4  # letters of the shorter stem: short stems collide too often
    min_df: int = 5  # articles a stem must be in: fewer give no evidence to weigh
    # Stems this long may differ by the letter of a t or s sound (ت ط ث, س ص ز):
    # a foreign name's (انتونوف / انطونوف, سانشيز / سانشيس); shorter ones are
    # mostly two words (سلاح / صلاح, تكاتف / تكاثف, بيريز / بيريس).
    sound_min_length: int = 6
    max_group: int = 40  # stems of a skeleton compared, commonest first
    # Two established words of about the same frequency are two words,
    # whatever else is seen.
    word_zipf: float = 4.0
    word_margin: float = 0.5
    # The weights of the evidence (see Evidence.features), fitted by
    # logistic regression on 320 candidate pairs of the shared corpus
    # labelled by hand (bench/spelling_labels.tsv, bench/spelling_fit.py),
    # and the score a pair must pass: chosen for precision (0.89 at -0.5, 0.63
    # at -1.0, in cross-validation; -0.75 merges no distinct pair of
    # bench/spellings.tsv), since a wrong merge costs every search for
    # either word.
    weights: tuple[float, ...] = (-1.96, 0.83, 1.68, 1.11, 2.27, -1.00, -0.86, 2.52)
    threshold: float = -0.75
    sample: int = 400  # articles a stem's context profile is read from
    feature_min_df: int = 3  # context words: neither rare ...
    feature_max_share: float = 0.05  # ... nor in more than this share of articles
    feature_min_top: int = 50  # (in a small archive, any word in fewer articles than this)
    max_features: int = 3_000
    max_spellings: int = 6  # a larger group is a chain of near words, not one name
    # A pair the evidence above leaves short of the threshold, but not far
    # (above neighbour_floor), is one word when the two stems stand in the
    # same places (Neighbours: a rare spelling gives the outlet test too
    # few articles, هوليود 33 beside هوليوود 179).  Read for the pairs in
    # that band only, from this many articles of each stem: from 12 to 40,
    # the cosine tells better (on bench/spelling_labels.tsv, at 0.10, 34 of
    # 42 spellings against 30, the same 6 of 223 pairs of two words that
    # search.patterns leaves), and the stems the minority test reads are
    # read once (docs/relevance.md, "Forty articles, and the words of one
    # root").
    neighbour_floor: float = -2.5
    neighbour_min: float = 0.10
    neighbour_sample: int = 40
    # Articles of the rarer stem, at least (the miner's own min_df): a rare
    # spelling is where the outlets and contexts say least and the
    # neighbours still tell (فيسبوك / فايسبوك, 1,385 / 6 articles: 0.22).
    # From 10 down to 5, 222 more pairs on the full corpus, by reading the
    # neighbours of 1,700 more pairs (2 s more mining); most are a name's spellings
    # (بوينغ / بوينج, غواتيمالا / جواتيمالا, تريليون / ترليون), a few a verb
    # and its noun (استنشق / استنشاق, docs/relevance.md).
    neighbour_min_df: int = 5
    # ... and a pair the evidence joins though their articles are about
    # other things (context cosine below context_floor) is one word only if
    # the neighbours say so too: the outlets' test reads an outlet's topic as
    # its house style (ماكرون in 653 articles, مكرونة, pasta, in 11 of a
    # recipes page: style 0.85, contexts 0.08).  On the full corpus 88 of
    # 1,252 pairs are below 0.1; 72 fail their neighbours, read by eye about
    # 60 of them two words (كيرالا / كورولا, بلوتونيوم / بلاتينيوم, مانشين /
    # منوشين, واينستين / وينستن) and 6 to 9 a spelling (ميدياسيت / ميديست,
    # زويتين / زويتن), docs/relevance.md.  None: the score alone decides.
    context_floor: float | None = 0.1
    # ... and so is a pair the score joins with little to spare (below
    # confirm_below) whose stems are each in confirm_min_df articles or
    # more, where forty articles read their neighbours well: the outlets'
    # house style joins two words an outlet writes more than others
    # (المساواة / المواساة, equality and consolation, 331 / 284 articles),
    # and so does the article-wide context of two words of one topic (الجولان
    # / جيلان, the Golan and Gilan).  It is two words if its neighbours
    # barely overlap (below confirm_min, against neighbour_min for a pair
    # the score leaves short).  On the full corpus 15 of the 1,297 pairs
    # joined fall so, read by eye about 11 two words (متنافس / متنفسا,
    # مورينو / مارينو, غاروس / غروس, فرجان / فرقان) and 2 one word
    # (مايورغا / مايوركا, متوعدا / متوعد), docs/relevance.md.  None: the
    # score alone decides.
    confirm_below: float | None = 0.0
    confirm_min_df: int = 15
    confirm_min: float = 0.02
    # The neighbours' floor is lower, vowel_floor, for two stems one long vowel apart
    # inside them (shapes.vowel_apart; an ا not third), the commonest way
    # of writing a name twice: two known names or words score low on the
    # lexicon (داود / داوود, 223 / 58 articles, -3.1; دانيل / دانييل,
    # تايلور / تيلور), yet their neighbours tell a spelling (0.1 or more)
    # from two words (الامير / الامر, whose places differ).  None:
    # neighbour_floor for every pair.
    vowel_floor: float | None = -3.5
    # ... and so is it for two stems of this many letters or more with an ا
    # written ي inside them (shapes.alef_for_ya), as news writes a foreign a
    # two ways: جازان / جيزان (906 / 95 articles, -2.6), ديفيد / دافيد,
    # جيسون / جاسون, دانييل / دانيال, ديفيس / دافيس, the 5 pairs it adds on the
    # full corpus, where 97 of the 117 such pairs read their neighbours.  Of
    # those kept apart, the nearest (0.09 to 0.1) were a hollow verb beside its
    # passive or two verbal nouns of a root (استعاد / استعيد, ترديد /
    # ترداد), now patterns (search.patterns).  Not و for ا or ي: ايباد /
    # ايبود (iPad, iPod), جوليان / جيليان pass their neighbours.  None: off.
    vowel_swap_length: int | None = 5
    # A name written with a final ا beside its nisba adjective (اوروبا,
    # اوروبي → اوروب) is spelled as the adjective is: where the adjective's
    # two stems are one word (اوروب / اورب, 4,653 / 166 articles, whose
    # outlets say so), so are the name's (اوروبا / اوربا, 4,053 / 32, whose
    # neighbours, read in 32 articles, fell short).  Only pairs, not
    # leaves, and only this way: two names in ا that are one word say
    # nothing of the stems without it (غاما / جاما beside غام / جام).
    # False: each pair on its own evidence.
    name_of_nisba: bool = True
    # A stem in fewer than min_df articles is not a candidate above, but a
    # search for the usual spelling should still find it (غوتيريش and the one
    # article that writes جوتيريش).  Such a stem joins its commonest
    # respelling (respellings: the shapes a name is respelled by) when the
    # lexicon does not know it as a word (family zipf below rare_word_zipf),
    # the respelling's stem is in rare_ratio times its articles or more, and
    # the two stand in the same places (neighbour_min; but see
    # rare_sure_length).  On the full corpus, by the neighbours alone: 890
    # of 5,364 such stems of 5 letters or more, about 58 in 60 of a sample
    # spellings (جوتيريش / غوتيريش, هيغواين / هغواين, تغيرد / تغريد),
    # docs/relevance.md.  Read from those few articles, the neighbours are
    # the only evidence there is.  Shorter stems are left: 4,128 more to
    # read, of which 102 would join, many of them two words (سايف / سيف,
    # يورت / يورط).
    rare_ratio: int = 5
    rare_word_zipf: float = 3.0
    rare_min_length: int = 5
    # The usual spelling's neighbours are read from this many of its
    # articles for this test: a wider sample (neighbour_sample) dilutes the
    # cosine with a spelling read from one to four articles, and took such
    # slips as الداعيشة, السيياح, يفنتوس out of the table.
    rare_sample: int = 12
    # ... but a stem of this many letters or more needs no neighbours: in one
    # to four articles they seldom match (فينزويلا / فنزويلا, ليفيربول /
    # ليفربول fail), and a long word the lexicon does not know, one letter
    # from one five times as common, is that word: of 60 such 7-letter stems
    # that failed the neighbours' test, 52 are a spelling or a slip
    # (سبستيان، روماتزم، مينسوتا، انقاسام), 8 another word or name (ساوندرز /
    # ساندرز، باسكوال / باسكال، استزلام / استسلام); of 8 letters and more
    # nearly all (نيوكاسيل، هوليويود، اوزباكستان).  Shorter ones are mostly two
    # words (اغتناء / اقتناء، تفاريق / تفريق, 18 of 30 of 6 letters right).
    rare_sure_length: int = 7
    # ... and one in fewer than min_df articles needs none from 6 letters,
    # when all it changes is a ي or و written in or left out (sure_leaf):
    # فالينسيا, ميركيل, بورندي beside فالنسيا, ميركل, بوروندي.  On the full
    # corpus 426 more leaves; of 70 read, about 45 a spelling or a slip
    # (دكنسون, جونيفر, ذويبان, سيتزنز), 12 another word (معاوني / معاني,
    # تولوين / تلوين, استريد / استرد), the rest unclear.  Not an ا: that is
    # mostly a verb's or a participle's other form (يتخارج / يتخرج, متعالم /
    # متعلم); nor a broken plural with and without ي (patterns.two_plurals:
    # تقاطيع / تقاطع); nor one letter for another (docs/relevance.md).
    # The same shape joins a form leaf (variants.forms) of a name in يا:
    # نيجريا, which the stemmer cuts to Niger's نيجر, beside نيجيريا
    # (forms.hardly_form).  None: rare_sure_length for every stem.
    hardly_sure_length: int | None = 6
    # ... and searched with this share of the usual spelling's weight, not
    # rare_share: the least evidence of any leaf.  An article that writes
    # both spellings gains from each, and at rare_share one arcd question
    # (ماهو تعريف الأندلس؟) lost its answer to a paragraph that also writes
    # أندلوسيا (MRR@10 0.8290 against 0.8297); at 0.25 as without them.
    hardly_share: float = 0.25
    # ... and such a stem is a spelling of its usual one however many
    # articles write it (beside one five times as common, unknown to the
    # lexicon), not only below min_df: the evidence above leaves some
    # established misspellings short (بروكسيل 17 / بروكسل 523 articles,
    # اليكترون / الكترون, فلادمير / فلاديمير, كليومتر / كيلومتر).  On the
    # full corpus 111 more leaves, about 101 of them a spelling, 2 a noun
    # beside its verb, the others another word (استدراك / استدراج, استيبان /
    # استبيان, كيرستين / كريستين): at the weight below, as every leaf
    # (docs/relevance.md).  False: only below min_df.
    rare_sure_any_df: bool = True
    # ... and even when the lexicon knows it (rare_word_zipf), if it knows
    # the usual spelling better: a long word that general Arabic writes two
    # ways is one word (تليفزيون / تلفزيون, ديموقراط / ديمقراط, كوردستان /
    # كردستان, انتونيو / انطونيو).  On the full corpus 27 such stems, all a
    # spelling of the usual one or another form of its verb (ساعدوني /
    # ساعدني).  Of 6 letters they are mostly a noun and its broken plural
    # (تعاليم / تعليم, تصاميم / تصميم), so the length is the same.
    rare_sure_known: bool = True
    # ... and a stem of long_ratio_length letters or more is a spelling of
    # its commonest respelling in more articles than it (and in min_df or
    # more), not rare_ratio times: a long name is written two ways by
    # comparable numbers of articles (طاجكستان 7 / طاجيكستان 18, فريديريك 13
    # / فريدريك 40, كاردشيان 7 / كارداشيان 22), and one long word so close
    # to a commoner one is that word.  On the full corpus 232 more leaves,
    # 112 of them stems no pair had joined to that spelling, read by eye all
    # but two or three a spelling (كواريزما / كاريزما is Quaresma beside
    # charisma, عبدالمطلوب / عبدالمطلب two names); of 7
    # letters about a third are two words (استجواب / استجاب, كريستين /
    # كريستيان, يستهوين / يستهين), so they keep rare_ratio
    # (docs/relevance.md).  None: rare_ratio for every length.
    long_ratio_length: int | None = 8
    # ... and a shorter one (rare_min_length letters or more) needs no
    # neighbours either when all it changes is a foreign g written ج where
    # its usual spelling writes غ, the way Egyptian papers write a g
    # (جلاسكو / غلاسكو, ديجول / ديغول, هنجاريا / هنغاريا), unless the usual
    # spelling is a common Arabic word (family zipf g_word_zipf or more:
    # جريب / غريب).  On the full corpus 41 such stems below min_df, of
    # which 35 are the name or a slip of the word (جليان / غليان), 6 another
    # word (ملجوم / ملغوم, مجدور / مغدور).  Only this way round: a غ where
    # the usual spelling writes ج is half the time another word (اغناس /
    # اجناس), and the other letters of the g (ك ق) stand in Arabic words
    # alike (ابكار / ابقار, اكران / اقران), docs/relevance.md.
    # False: as any short stem, by the neighbours.
    egyptian_g: bool = True
    g_word_zipf: float = 3.5
    # Such a spelling is searched with half the weight the usual one would
    # have there (leaf_weight): the evidence is thinner, and an article that
    # writes both gains from each (Or adds their scores).  At the full
    # weight one news-titles query lost its answer to an article that also
    # wrote غواريدولا and أغويورو (MRR@10 0.7893); at 0.5 or 0.25, 0.7898 as
    # without these joins.
    rare_share: float = 0.5
    # A spelling most articles write one way and a few another (تايلند in
    # 24 articles beside تايلاند in 184, فايروس 9 / فيروس 330, سنتمتر 6 /
    # سنتيمتر 48) is in enough articles to be weighed above, and mostly
    # fails there: the outlets that write it write the usual spelling too
    # (no house style), and general Arabic knows both.  Such a stem (in
    # min_df articles or more, of rare_min_length letters or more) beside a
    # respelling (respellings) in rare_ratio times its articles, that the
    # lexicon knows better, joins it as a leaf when at least minority_share
    # of its neighbours (by weight, Neighbours.containment) stand beside
    # the usual spelling too, read from minority_sample articles of each: a
    # rare spelling has few places to compare, and they are a part of the
    # usual one's, which the cosine of the two profiles undercounts.  On the
    # full corpus 986 such stems (besides the long ones above), 110 of
    # them at 0.2 or more, read by eye: about 95 a name's or a word's other
    # spelling (مانشيستر، فلادمير، كليومتر، يوينو for يونيو), 6 a verb
    # beside its noun or a plural beside its singular (تكبيد / تكبد، حواسب
    # / حاسب), about 8 two words (بييرو / بيرو, متوحد / متحد, استبان /
    # استبيان).  From 0.1 to 0.2, 105 more, of which about 40 verbs and
    # plurals and 15 two words (محمود / محمد, كويكب / كوكب): too many.
    # None: no such joins.
    minority_share: float | None = 0.2
    minority_sample: int = 40
    # Two stems are not one word's spellings when the articles write the
    # letters of one after a preposition's letter (ب ك ل) and those of the
    # other not (shapes.lead_profile, led_apart): the first is then the end
    # of a name that begins with that letter, cut as if it were the
    # preposition (بيونيس → يونيس, Buenos) or standing in a slip's stem
    # (يتكوين, written after ب in 42 articles: بيتكوين), and the second
    # another word (يونس, يتكون).  Letters are led when lead_share of the
    # articles that write them with no ending, bare or after proclitics,
    # have that letter next to them, of lead_min_df or more; the other stem
    # then has it in at most other_lead_share.  On the full corpus this
    # parts 10 joins of 3,600, all two words as read (بولندا's ولندا from
    # Kolinda's وليندا, بروفايل's روفايل from Rafael's رفايل); كارتس
    # (Curtis), written ككارتس in 4 of 6 articles, beside ككارتيس, is not
    # apart.  Not و or ف: a name in a list is written after و in most of its
    # articles (نيوزيلاندا in 8 of 9 of the corpus's second half, "أستراليا
    # ونيوزيلاندا"; مليندا in all 10, "بيل ومليندا"), which parted one
    # name's spellings there.  None: no such test.
    lead_share: float | None = 0.8
    lead_letters: str = "بكل"
    lead_min_df: int = 5
    other_lead_share: float = 0.4

    def usual_floor(self, df: int, length: int = 0) -> int:
        """The articles the usual spelling of a stem of ``length`` letters
        in ``df`` articles is in, at least: the table's leaves and the
        query's respellings alike.  A word no article writes needs no
        evidence against it: any respelling the archive has is more than
        the nothing it finds (زيلنسكي, typed, and the two articles that
        write زيلينسكي)."""
        if not df:
            return 1
        long = self.long_ratio_length is not None and length >= self.long_ratio_length
        return max(self.min_df, df + 1 if long else self.rare_ratio * df)
