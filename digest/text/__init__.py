"""One home for language: every stage asks here, none keeps its own list or pattern.

- `words`: tokens, comparison keys, words as a reader counts them;
- `language`: stop words and stemmers per language (sumy's lists, Snowball's stemmers);
- `sentences`: the one sentence splitter, and sumy's tokenizer interface over it;
- `dates`: month names, time zones, dates as pages, feeds and front matter write them;
- `furniture`: page-furniture patterns (menus, credits, captions, widgets, comment threads);
- `datelines`: "BALTIMORE (AP) —", read for outlet and date, left out of quoted sentences;
- `notices`: pages that hold a notice instead of an article (widgets, crawls, walls);
- `discourse`: how a sentence leans on its neighbours, and where a clause may end.
- `discourse`: what a sentence leans on: pronoun and connective openers, quotations, speech verbs.

Like `digest.model`, this package imports no stage.
"""
