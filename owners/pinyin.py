"""Pinyin keys of names, so that ``zs`` and ``zhangsan`` find 张三."""

from pypinyin import lazy_pinyin

# Surnames read differently from the character's most common reading.
_SURNAMES = {
    "单": ["shan"], "曾": ["zeng"], "解": ["xie"], "仇": ["qiu"], "朴": ["piao"],
    "查": ["zha"], "区": ["ou"], "盖": ["ge"], "乐": ["yue"], "覃": ["qin"], "尉": ["yu"],
    "缪": ["miao"], "翟": ["zhai"], "长孙": ["zhang", "sun"], "万俟": ["mo", "qi"],
}


def _syllables(name: str) -> list[str]:
    for surname in sorted(_SURNAMES, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            return [*_SURNAMES[surname], *lazy_pinyin(name[len(surname):])]
    return lazy_pinyin(name)


def name_keys(name: str) -> tuple[str, str]:
    """``(full pinyin, initials)`` in lower case without spaces: ``("zhangsan", "zs")``.

    Latin letters and digits in a name (``ABC物业``) are kept as they are.
    """
    syllables = ["".join(ch for ch in s.lower() if ch.isascii() and ch.isalnum())
                 for s in _syllables(name.strip())]
    syllables = [s for s in syllables if s]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return full[:400], initials[:100]
