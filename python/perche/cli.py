# SPDX-License-Identifier: Apache-2.0
"""The `perche` command line.

    perche analyze [FILE] [--score COL] [--text COL] [--metric nps|csat|ces] [--date COL] [--by COL]...
                   [--model PATH | --codebook [PATH] | --labels COL | --no-drivers] [--html OUT] [--json OUT]
                   [--pdf OUT] [--lang it|en]
    perche report [FILE] ...          (= analyze --no-drivers: metrics only)
    perche train FILE --text COL (--labels COL... | --codebook [PATH]) [--positive COL --negative COL] --out MODEL
                 [--eval-folds N] [--empty-means-no-driver]
    perche sample FILE [--text COL] [--n 200] [--model MODEL] [--out OUT.csv]
    perche evaluate FILE --model MODEL --labels COL... [--text COL] [--empty-means-no-driver]
    perche classify FILE [--model MODEL | --codebook [PATH]] [--text COL] [--out OUT.csv] [--excel]
    perche tokenize [--tokens] [--stem] [--negation] < text
    perche mask FILE [--text COL]... [--kinds K,K] [--key-file F] [--out OUT.csv]
    perche discover FILE --text COL [--score COL] [--themes N|auto] [--seeds FILE] [--no-mask] --out CODEBOOK

With no FILE, analyze and report read the sample survey shipped with the package. This module
parses arguments, calls the C++ core, renders and writes: analyze and report are the survey
pipeline (perche/survey.hpp, where every row rule and default lives), classify its labelling step.
Each command names every record or row it leaves out on stderr (the first 20, then how many
more), and writes each output file whole or not at all (survey.atomic_write).

Exit status: 0 done; 2 an error, reported as one line "perche: ..." on stderr (a bad argument, an
unreadable or empty input, a missing column, an unwritable output, out of memory); 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import sys
from pathlib import Path

import numpy as np

from . import _core
from .survey import SAMPLE, atomic_write, check_writable, chromium_path
from .report import _INVISIBLE, _t  # data as terminal text: no escape sequence or bidi override reaches it

_LIMIT = 20  # problems listed on stderr before "… and N more"
_doing = "starting"  # what the command is doing, for "out of memory while …"


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def _step(what: str) -> None:
    global _doing
    _doing = what


def _one_line(text: str) -> str:
    """A message as one terminal line: line breaks become spaces, other control characters \\xNN,
    and the bidirectional controls and lone surrogates that report._t also keeps off the terminal
    \\uNNNN (a column name with U+202E reversed the rest of the line)."""
    text = " ".join(str(text).splitlines())
    return re.sub(f"[\x00-\x08\x0b-\x1f{_INVISIBLE}]",
                  lambda c: f"\\x{ord(c.group()):02x}" if ord(c.group()) < 0x100 else f"\\u{ord(c.group()):04x}", text)


class _Screen:
    """sys.stdout for a table written to a terminal: every character report._t keeps off the
    terminal becomes U+FFFD, line ends and tabs stay (a comment's escape sequence retitled the
    window, U+202E reversed the lines after it). A pipe or a file gets the bytes as read."""

    # A CR not before a LF sends the cursor back over the line: "innocuo\rFALSO" showed FALSO.
    _CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}]|\r(?!\n)")

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(self._CONTROL.sub("\ufffd", text))


def _stdout():
    """sys.stdout, through _Screen when it is a terminal."""
    isatty = getattr(sys.stdout, "isatty", None)
    return _Screen(sys.stdout) if isatty and isatty() else sys.stdout


def _say(text: str) -> None:
    print(f"perche: {_one_line(text)}", file=sys.stderr)


def _print_problems(problems: list, total: int, where_more: str = "") -> None:
    """Each problem ({"line" or "row": n, "message": ...}) on its own stderr line, up to _LIMIT,
    then one line counting the rest."""
    for p in problems[:_LIMIT]:
        at = f"line {p['line']}: " if p.get("line") else f"row {p['row']}: " if "row" in p else ""
        _say(at + p["message"])
    if total > _LIMIT:
        _say(f"… and {total - _LIMIT} more problems{where_more}")


def _input_name(file) -> str:
    return str(file) if file else f"the sample survey ({SAMPLE})"


def _read(file):
    """A CSV file as a CsvTable (the C++ reader of every command), its reading problems on stderr."""
    from .survey import read_csv

    table = read_csv(file)
    problems = [{"line": line, "message": msg} for line, msg in table.problems]

    def first(listed) -> str:  # the first problems in one line, as the C++ survey errors show them
        shown = " | ".join(p["message"] if not p["line"] else f"line {p['line']}: {p['message']}" for p in listed[:3])
        return shown + (f" (and {len(listed) - 3} more)" if len(listed) > 3 else "")

    if not table.header:  # the reader's own problem says why: "PATH is empty (only blank lines)"
        raise CliError(first(problems) if problems and problems[0]["line"] == 0 else
                       f"{file}: no header could be read: {first(problems)}")
    if len(table) == 0:
        skipped = [p for p in problems if p["line"] and "skipped" in p["message"]]
        raise CliError(f"{file}: no record could be read as a row: {first(skipped)}" if skipped else
                       f"{file} is empty: it has a header and no rows")
    # A duplicate column name is the reader's note for a look-up by name; a command that looks the
    # column up says so itself, in one line, and one that does not is not hindered by it.
    problems = [p for p in problems if not p["message"].startswith("duplicate column name:")]
    _print_problems(problems, len(problems))
    return table


def _all_rows(table, file, args) -> None:
    """CliError when records of file were skipped (listed above by _read) and --skip-bad-rows was
    not given: a file written back (mask, classify) would be shorter than its input, and a masked
    export that silently lost rows is data lost."""
    skipped = table.records_skipped
    if skipped and not args.skip_bad_rows:
        raise CliError(f"{file}: {skipped} record{'s' if skipped > 1 else ''} could not be read (listed above) "
                       f"and would be missing from the output; nothing written: fix "
                       f"{'them' if skipped > 1 else 'it'}, or pass --skip-bad-rows to write the {len(table)} "
                       f"rows read")


def _same_file(a, b) -> bool:
    """a and b name one file: one resolved path, or one file under two names (a hard link)."""
    try:
        return os.path.realpath(a) == os.path.realpath(b) or os.path.samefile(a, b)
    except (OSError, ValueError):  # one does not exist yet (or cannot be compared): another file
        return False


def _not_the_input(file, target, option: str, *inputs) -> None:
    """An output that is an input of the command: the atomic write would replace the data being
    read, or the model, codebook, seeds or pseudonym key it was given (--out KEY lost the key, and
    with it every pseudonym). inputs: (option, path) pairs; a path None or True (the shipped
    codebook) is no file of the user's."""
    if not target:
        return
    if file and _same_file(file, target):
        raise CliError(f"{option} {_t(target)} is the input file: writing it would replace the data being read; "
                       "name another file")
    for name, path in inputs:
        if isinstance(path, (str, os.PathLike)) and _same_file(path, target):
            raise CliError(f"{option} {_t(target)} is the {name} file: writing it would replace it; name another file")


def _column(table, name, defaults, what: str, arg: str) -> int:
    """A column of the table under the survey's rule (perche/survey.hpp: find_column)."""
    i = _core.find_column(list(table.header), name or "", list(defaults), what, arg)
    if i is None:
        raise CliError(f"no {what} ({', '.join(defaults)}); name it with --{arg}")
    return i


# --- perche analyze, perche report ---------------------------------------------------------------


def analyze_command(args) -> int:
    """The survey pipeline: `analyze`, and `report` (the same without drivers)."""
    from .survey import analyze

    drivers = args.command == "analyze" and not args.no_drivers
    inputs = [("--model", getattr(args, "model", None)), ("--codebook", getattr(args, "codebook", None)),
              ("--sentiment-model", args.sentiment_model)]
    for option, target in (("--json", args.json), ("--html", args.html), ("--pdf", args.pdf)):
        if target:
            _not_the_input(args.file or SAMPLE, target, option, *inputs)
            check_writable(target)
    if args.pdf:
        chromium_path()  # before the analysis: a missing browser is one line, not minutes of work lost
    _step(f"analysing {_input_name(args.file)}")
    result = analyze(args.file, score=args.score, text=args.text, metric=args.metric, date=args.date, by=args.by,
                     model=getattr(args, "model", None), codebook=getattr(args, "codebook", None),
                     labels=getattr(args, "labels", None), drivers=drivers, freq=args.freq,
                     bootstrap_samples=getattr(args, "bootstrap", None), verbatims=getattr(args, "verbatims", None),
                     threshold=getattr(args, "threshold", None), lang=args.lang, scale=args.scale,
                     sentiment=False if args.no_sentiment else args.sentiment_model,
                     progress=None if args.progress else False, mask=args.mask)
    src = result.data["source"]
    _print_problems(src["problems"], src["problems_total"], " (the first 100 are in --json)" if args.json else "")
    # The files first, then stdout: `perche analyze F --json J | head -1` closed stdout at the
    # summary and left J unwritten, with exit status 0.
    written = []
    if args.json:
        _step(f"writing {args.json}")
        result.to_json(args.json)
        written.append(f"JSON: {_t(args.json)}")
    if args.html:
        _step(f"writing {args.html}")
        result.to_html(args.html, lang=args.lang)
        written.append(f"HTML: {_t(args.html)}")
    if args.pdf:
        _step(f"printing {args.pdf}")
        result.to_pdf(args.pdf, lang=args.lang)
        written.append(f"PDF: {_t(args.pdf)}")
    print(result.summary(lang=args.lang))
    for line in written:
        print(line)
    return 0


# --- perche train --------------------------------------------------------------------------------


def train_command(args) -> int:
    import time

    from .classify import DriverClassifier

    _not_the_input(args.file, args.out, "--out", ("--codebook", args.codebook))
    check_writable(args.out)  # before the training, not after it
    if os.path.exists(args.out) and not os.path.isfile(args.out):  # the library writes only regular files
        raise CliError(f"model {_t(args.out)} is not a regular file")
    _step(f"reading {args.file}")
    table = _read(args.file)
    header = list(table.header)
    text_i = _column(table, args.text, (), "text column", "text")
    texts = list(table.column(text_i))
    if args.mask:  # a model file keeps its vocabulary: no phone, e-mail or name of a customer in it
        from .privacy import mask_batch

        texts = list(mask_batch(texts))
    keep = [i for i, t in enumerate(texts) if t.strip()]
    if not keep:
        raise CliError(f"no comment to learn from: column {header[text_i]!r} is empty in every row")
    skipped, unlabelled = len(texts) - len(keep), 0
    if args.codebook is not None:
        from . import Codebook

        cb = Codebook.default() if args.codebook is True else Codebook.load(args.codebook)
        names = list(cb.drivers)
        Y = np.asarray(cb.predict([texts[i] for i in keep]), dtype=np.uint8)
        source = "codebook " + ("(default)" if args.codebook is True else args.codebook)
    else:
        cols = _label_columns(table, args.labels, "--labels")
        source = "labels " + ", ".join(header[c] for c in cols)
        if args.mask:  # a label cell's names become drivers, which the model file keeps
            _no_personal_data(table, cols, keep, "--labels")
        commented = len(keep)
        keep, unlabelled = _labelled(table, cols, keep, args.empty_means_no_driver, source)
        names, Y = _core.gold_labels(table, args.labels, keep)  # perche/survey.hpp: one rule for every command
        if not names:
            raise CliError(f"no driver label in {source}: every commented row is empty there")
        _say_unlabelled(unlabelled, commented, source)
    empty = [names[j] for j in range(len(names)) if Y[:, j].sum() == 0]
    if empty:
        raise CliError(f"no comment is labelled with driver(s) {', '.join(empty)}; "
                       "remove them or add examples (a model cannot learn a driver it never sees)")
    opts = {"cv_folds": args.cv_folds} if args.cv_folds is not None else {}
    flags = _polarity_labels(table, args, names, keep)
    if flags:
        opts["sentiment"] = True
        for q, F in zip(("positive", "negative"), flags):
            bad = np.argwhere(F > Y)
            if len(bad):
                i, j = bad[0]
                raise CliError(f"line {int(table.lines[keep[i]])}: --{q} names driver {_t(names[j])} but --labels "
                               "does not")
    # One example (or one comment without the driver) is no model: trained on it, the driver's
    # probability of an unseen comment is its prior, 1/2, and every comment got every driver.
    lone = [names[j] for j in range(len(names)) if min(Y[:, j].sum(), len(Y) - Y[:, j].sum()) < 2]
    if lone:
        raise CliError(f"driver(s) {', '.join(map(_t, lone))} have fewer than 2 comments with them or without them; "
                       "label more comments (perche sample picks them): a model needs two of each to learn a driver")
    _step(f"training on {args.file}")
    t0 = time.perf_counter()
    clf = DriverClassifier(names, **opts).fit([texts[i] for i in keep], Y, *flags)
    if args.codebook is not None:
        clf.labels = list(cb.labels)  # the codebook's display names ("Qualità del prodotto") travel with the model
    secs = time.perf_counter() - t0
    _step(f"writing {args.out}")
    with atomic_write(args.out, "wb") as f:  # whole or not at all, as every file the CLI writes
        f.write(clf.to_bytes())
    print(f"perche train — {_t(Path(args.file).name)}: {len(keep)} comments ({_skipped(skipped, unlabelled)}), "
          f"{len(names)} drivers from {_t(source)}, {secs:.1f} s")
    scores = None
    folds = 5 if args.eval_folds is None else args.eval_folds
    if folds and folds > len(keep):
        _say(f"--eval-folds {folds} is more than the {len(keep)} comments: no cross-validated figures")
    elif folds:
        _step(f"cross-validating on {args.file}")
        cv_options = clf.options
        cv_options.sentiment = False  # the figures are the drivers' presence
        scores = _core.cross_validate([texts[i] for i in keep], Y, names, cv_options, folds)
        print(f"cross-validated ({folds} folds, each predicted by a model trained on the others):")
    _print_scores(names, Y, scores, thresholds=clf.thresholds, shown=clf.labels if args.codebook is not None else None)
    if flags:
        print(f"  sentiment: {int(flags[0].sum())} positive and {int(flags[1].sum())} negative mentions; "
              f"polarity threshold {clf.polarity_threshold:.3f}")
    print(f"model: {_t(args.out)}")
    return 0


def _label_columns(table, columns, option: str) -> list:
    """The positions of the label columns named by `option` (--labels, --positive, --negative)."""
    if any(not c for c in columns):
        raise CliError(f"{option}: an empty column name")
    return [_column(table, c, (), "labels column", option[2:]) for c in columns]


def _labelled(table, cols, keep: list, empty_is_none: bool, source: str) -> tuple:
    """(the rows of `keep` with a label, how many had none): a row whose label cells are all empty
    is a comment not labelled yet (perche sample writes the label column empty, and a first
    sitting fills part of it), not one that names no driver, unless --empty-means-no-driver.
    CliError when no row has a label."""
    if empty_is_none:
        return keep, 0
    columns = [table.column(c) for c in cols]
    labelled = [r for r in keep if any(col[r].strip() for col in columns)]
    if not labelled:
        raise CliError(f"no driver label in {source}: every commented row is empty there")
    return labelled, len(keep) - len(labelled)


def _say_unlabelled(unlabelled: int, commented: int, source: str) -> None:
    """The rows _labelled left out, on stderr, with the option that would read them."""
    if unlabelled:
        _say(f"{unlabelled} of the {commented} comments have no label in {source} and are left out as not labelled "
             "yet; pass --empty-means-no-driver if an empty cell means the comment names no driver")


def _skipped(empty: int, unlabelled: int) -> str:
    """"3 empty skipped, 140 without a label skipped": the rows a command did not use, and why."""
    return f"{empty} empty skipped" + (f", {unlabelled} without a label skipped" if unlabelled else "")


def _no_personal_data(table, cols, rows: list, option: str) -> None:
    """CliError when a label cell of `rows` holds personal data: a comment pasted into a label
    column (a shifted row) became driver names, which a model file keeps and every table prints.
    Checked before the labels are read: the error of a cell that is not 0 or 1 quotes it as
    written; this one quotes it masked (perche/privacy.hpp)."""
    from .privacy import find_pii_batch, mask

    for c in cols:
        column = table.column(c)
        cells = [column[r] for r in rows]
        found = [(k, spans) for k, spans in enumerate(find_pii_batch(cells)) if spans]
        if found:
            k, spans = found[0]
            more = f" (and {len(found) - 1} more cells)" if len(found) > 1 else ""
            raise CliError(f"{option} column {_t(table.header[c])!r}, line {int(table.lines[rows[k]])}: "
                           f"{_t(mask(cells[k]))!r} holds personal data ({', '.join(sorted({s.kind for s in spans}))})"
                           f"{more}; a label cell holds driver names: fix the row")


def _polarity_labels(table, args, names, keep) -> tuple:
    """(positive, negative) n × k 0/1 from the --positive/--negative columns, in `names` order;
    () when they are not given."""
    if args.positive is None and args.negative is None:
        return ()
    if args.positive is None or args.negative is None:
        raise CliError("--positive and --negative go together: give the columns of praised and blamed drivers")
    if args.codebook is not None:
        raise CliError("--positive/--negative need --labels (a codebook says which drivers, not how they are judged)")
    from .classify import driver_positions

    out = []
    for option, col in (("--positive", args.positive), ("--negative", args.negative)):
        if args.mask:
            _no_personal_data(table, _label_columns(table, [col], option), keep, option)
        got, F = _core.gold_labels(table, [col], keep)
        M = np.zeros((len(keep), len(names)), dtype=np.uint8)
        for name, at, flags in zip(got, driver_positions(got, names), F.T):  # "Tempi attesa" is tempi_attesa
            if at is None:
                raise CliError(f"column {_t(col)} names driver {_t(name)}, which --labels never names")
            M[:, at] |= flags
        out.append(M)
    return tuple(out)


def _print_scores(names, Y, scores, thresholds=None, shown=None) -> None:
    """Per driver: examples (and threshold), precision, recall and F1 when scored; then micro and
    macro F1; a warning on stderr for each driver with fewer than MIN_DRIVER_EXAMPLES examples.
    `shown`: the drivers' display names (a codebook's labels), else their names."""
    shown = list(shown) if shown is not None else list(names)
    width = max(len(_t(n)) for n in shown + ["driver"])
    head = f"  {'driver':<{width}}  {'examples':>8}" + (f"  {'threshold':>9}" if thresholds is not None else "")
    if scores is not None:
        head += f"  {'precision':>9}  {'recall':>6}  {'F1':>5}"
    print(head)
    for j, n in enumerate(names):
        line = f"  {_t(shown[j]):<{width}}  {int(Y[:, j].sum()):>8}"
        if thresholds is not None:
            line += f"  {thresholds[j]:>9.3f}"
        if scores is not None:
            d = scores["drivers"][n]
            line += f"  {d['precision']:>9.3f}  {d['recall']:>6.3f}  {d['f1']:>5.3f}"
        print(line)
    if scores is not None:
        print(f"  micro F1 {scores['micro_f1']:.3f} (P {scores['micro_precision']:.3f}, R {scores['micro_recall']:.3f})"
              f"  macro F1 {scores['macro_f1']:.3f} (P {scores['macro_precision']:.3f}, "
              f"R {scores['macro_recall']:.3f})")
    few = [(shown[j], int(Y[:, j].sum())) for j in range(len(names)) if Y[:, j].sum() < _core.MIN_DRIVER_EXAMPLES]
    if len(few) > _LIMIT:  # 1,000 labels printed 1,000 warnings
        _say(f"{len(few)} drivers have fewer than {_core.MIN_DRIVER_EXAMPLES} examples: their figures are unreliable "
             f"(the first {_LIMIT} below); label more of their comments (perche sample --model MODEL picks the "
             "doubtful ones)")
        few = few[:_LIMIT]
    for n, count in few:
        _say(f"driver {n!r} has {count} example(s), fewer than {_core.MIN_DRIVER_EXAMPLES}: its figures are "
             "unreliable; label more of its comments (perche sample --model MODEL picks the doubtful ones)")


# --- perche sample, perche evaluate ---------------------------------------------------------------


def sample_command(args) -> int:
    """Comments to label (perche/labelling.hpp: select_for_labelling): diverse, and the most
    doubtful under the model when one is given; the input's columns, then an empty label column."""
    if not args.label_column.strip():
        raise CliError(f"--label-column {args.label_column!r} is empty: name the column to fill in (default driver)")
    if args.out:
        _not_the_input(args.file, args.out, "--out", ("--model", args.model))
        check_writable(args.out)
    _step(f"reading {args.file}")
    table = _read(args.file)
    header = list(table.header)
    text_i = _column(table, args.text, _core.SurveyOptions.TEXT_COLUMNS, "text column", "text")
    taken = {h.strip().casefold() for h in header}
    if args.label_column.strip().casefold() in taken:
        raise CliError(f"the input already has a column {args.label_column!r}; name the label column with "
                       "--label-column")
    taken.add(args.label_column.strip().casefold())

    def free(name: str) -> str:
        """name, or perche_name (perche_name_2, ...) when the input has a column so named."""
        candidate, k = name, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"perche_{name}" if k == 2 else f"perche_{name}_{k - 1}"
        taken.add(candidate.casefold())
        return candidate

    line_column = free("line")
    added = [args.label_column] + ([free("suggested"), free("uncertainty")] if args.model else [])
    model = _core.DriverClassifier.load(args.model) if args.model else None
    _step(f"choosing comments in {args.file}")
    texts = table.column(text_i)
    if not any(t.strip() for t in texts):  # as train, evaluate and discover say
        raise CliError(f"no comment to label: column {header[text_i]!r} is empty in every row")
    picks = _core.select_for_labelling(texts, args.n, model)
    columns = [table.column(i) for i in range(len(header))]
    lines = table.lines
    delim = table.delimiter or ","

    def write(f) -> None:
        _excel_bom(f, delim)
        f.write(delim.join(_text_cell(h) for h in [line_column] + header + added) + "\r\n")
        for index, uncertainty, suggested in picks:
            cells = [str(int(lines[index]))] + [_text_cell(c[index]) for c in columns] + [""]
            if args.model:
                cells += [_text_cell("|".join(suggested)), _decimal(f"{uncertainty:.3f}", delim == ";")]
            f.write(delim.join(cells) + "\r\n")

    if args.out:
        _step(f"writing {args.out}")
        with atomic_write(args.out, newline="") as f:
            write(f)
        # The next command quoted for a shell: "Motivo del voto" unquoted named three columns.
        command = " ".join(shlex.quote(a) for a in ("perche", "train", args.out, "--text", header[text_i],
                                                     "--labels", args.label_column, "--out", "MODEL"))
        print(f"perche sample: {len(picks)} of {len(table)} comments to label → {_t(args.out)}; write each one's "
              f"drivers in {_t(args.label_column)!r} (names joined by |; a row left empty is not labelled yet), then "
              f"{_t(command)}", file=sys.stderr)
    else:
        write(_stdout())
    return 0


def evaluate_command(args) -> int:
    """Precision, recall and F1 of a model against gold labels of a file."""
    _step(f"reading {args.file}")
    table = _read(args.file)
    header = list(table.header)
    text_i = _column(table, args.text, _core.SurveyOptions.TEXT_COLUMNS, "text column", "text")
    texts = list(table.column(text_i))
    keep = [i for i, t in enumerate(texts) if t.strip()]
    if not keep:
        raise CliError(f"no comment to evaluate: column {header[text_i]!r} is empty in every row")
    from .classify import driver_positions

    model = _core.DriverClassifier.load(args.model)
    drivers = list(model.drivers)
    label_cols = _label_columns(table, args.labels, "--labels")
    source = "labels " + ", ".join(header[c] for c in label_cols)
    _no_personal_data(table, label_cols, keep, "--labels")  # the errors below quote label cells
    commented = len(keep)
    keep, unlabelled = _labelled(table, label_cols, keep, args.empty_means_no_driver, source)
    names, gold = _core.gold_labels(table, args.labels, keep)
    at = driver_positions(names, drivers)  # the spelling key of the README: "Tempi attesa" is tempi_attesa
    unknown = [n for n, j in zip(names, at) if j is None]
    if unknown:
        raise CliError(f"labels name driver(s) {', '.join(map(repr, unknown))} that the model {args.model} does not "
                       f"know (its drivers: {', '.join(drivers)})")
    twins = [n for n, j in zip(names, at) if at.count(j) > 1]
    if twins:  # two 0/1 columns of one driver ("Prezzo" and "prezzo"): which is the truth?
        raise CliError(f"labels columns {', '.join(map(repr, twins))} are one driver, "
                       f"{drivers[at[names.index(twins[0])]]!r}: keep one")
    _say_unlabelled(unlabelled, commented, source)
    Y = np.zeros((len(keep), len(drivers)), dtype=np.uint8)  # a driver never named is never the truth
    for j, k in enumerate(at):
        Y[:, k] = gold[:, j]
    _step(f"evaluating {args.model} on {args.file}")
    # 0/1 columns, one per driver (--labels prezzo cortesia): only those drivers have a truth. The
    # others were scored against all zeros, and two drivers of F1 1.000 showed micro F1 0.377.
    folded = [str(c).strip().casefold() for c in args.labels]
    by_columns = len(args.labels) > 1 or [n.strip().casefold() for n in names] == folded
    cols = sorted(at) if by_columns else list(range(len(drivers)))
    scored = [drivers[k] for k in cols]
    predicted = model.predict([texts[i] for i in keep])
    scores = _core.evaluate(np.ascontiguousarray(Y[:, cols]), np.ascontiguousarray(np.asarray(predicted)[:, cols]),
                            scored)
    print(f"perche evaluate — {_t(Path(args.model).name)} on {_t(Path(args.file).name)}: {len(keep)} comments "
          f"({_skipped(len(texts) - commented, unlabelled)}), {len(scored)} drivers")
    if len(scored) < len(drivers):
        _say(f"{len(drivers) - len(scored)} of the model's drivers have no labels column and are not scored: "
             f"{', '.join(_t(d) for d in drivers if d not in scored)}")
    _print_scores(scored, Y[:, cols], scores)
    return 0


# --- perche classify -----------------------------------------------------------------------------

# OWASP "CSV Injection": a spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?", re.ASCII)


def _text_cell(value) -> str:
    """A cell of text (anything perche did not compute) made safe for a spreadsheet: a leading '
    when it starts like a formula (OWASP; a plain number such as -3 or +1,5 is left as it is: a
    spreadsheet reads it as that number and nothing runs), and RFC 4180 quotes when it holds a
    quote, a line break or any delimiter perche writes with (a tab too: mask and sample write a
    tab-separated input back with tabs, and a tab left bare split the cell, the part after it a new
    cell that no check had seen)."""
    s = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    if s.startswith(_FORMULA_START) and not _NUMBER.fullmatch(s):
        s = "'" + s
    if any(c in s for c in '",;\t\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def _excel_bom(f, delim: str) -> None:
    """A UTF-8 BOM before a `;`- or tab-separated table written back (mask, sample), as classify
    writes: without it Excel reads the UTF-8 as Windows-1252 ("perchÃ©"). Tabs are what Excel's
    "Unicode text" export (UTF-16) writes, and the copy written back is UTF-8."""
    if delim in (";", "\t"):
        f.write("\ufeff")


def _decimal(number: str, excel: bool) -> str:
    """A number perche wrote with a point, with a decimal comma for Italian Excel (a `;` table):
    it reads "0.969" as 969."""
    return number.replace(".", ",") if excel else number


def write_classified(f, header, columns, names, Y, P, excel: bool) -> None:
    """The classify CSV: the input's columns, a 0/1 column per driver, then a p_ column per driver.
    excel: `;`, decimal comma and a UTF-8 BOM (what Italian Excel opens); else `,` and a point.
    perche's own numbers are written as numbers; every other cell goes through _text_cell."""
    delim = ";" if excel else ","
    _excel_bom(f, delim)
    line = [_text_cell(h) for h in header] + [_text_cell(n) for n in names] + [_text_cell(f"p_{n}") for n in names]
    f.write(delim.join(line) + "\r\n")
    for i in range(len(Y)):
        probs = [_decimal(f"{p:.4f}", excel) for p in P[i]]
        line = [_text_cell(c[i]) for c in columns] + ["1" if v else "0" for v in Y[i]] + probs
        f.write(delim.join(line) + "\r\n")


def classify_command(args) -> int:
    """The survey pipeline's labelling step on every row (perche/survey.hpp: label_comments)."""
    from .survey import options

    if args.out:
        _not_the_input(args.file, args.out, "--out", ("--model", args.model), ("--codebook", args.codebook))
        check_writable(args.out)
    _step(f"reading {args.file}")
    table = _read(args.file)
    _all_rows(table, args.file, args)
    text_i = _column(table, args.text, _core.SurveyOptions.TEXT_COLUMNS, "text column", "text")
    _step(f"classifying {args.file}")
    labelled = _core.label_comments(table.column(text_i), options(model=args.model, codebook=args.codebook,
                                                                  threshold=args.threshold))
    names, P, Y = labelled["drivers"], labelled["probabilities"], labelled["mentions"]
    excel = args.excel or table.delimiter == ";"
    header = list(table.header)
    columns = [table.column(i) for i in range(len(header))]
    if args.out:
        _step(f"writing {args.out}")
        with atomic_write(args.out, newline="") as f:
            write_classified(f, header, columns, names, Y, P, excel)
        print(f"perche classify: {len(table)} rows, {len(names)} drivers → {_t(args.out)}", file=sys.stderr)
    else:
        write_classified(_stdout(), header, columns, names, Y, P, excel)
    return 0


# --- perche mask ---------------------------------------------------------------------------------


def _read_key(path: str) -> bytes:
    """The pseudonym key: the file's bytes without a final line break; never printed."""
    with open(path, "rb") as f:
        key = f.read()
    key = key[:-2] if key.endswith(b"\r\n") else key[:-1] if key.endswith(b"\n") else key
    if not key:
        raise CliError(f"{path}: the key file is empty; a pseudonym needs a secret key")
    return key


def mask_command(args) -> int:
    """Personal data of the text column(s) masked (perche/privacy.hpp), every other cell as read."""
    from .privacy import KINDS, mask_batch

    if args.out:
        _not_the_input(args.file, args.out, "--out", ("--key-file", args.key_file))
        check_writable(args.out)
    kinds = None
    if args.kinds:
        kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        for k in kinds:
            if k not in KINDS:
                raise CliError(f"--kinds: {k!r} is not one of {', '.join(KINDS)}")
    key = _read_key(args.key_file) if args.key_file else None
    _step(f"reading {args.file}")
    table = _read(args.file)
    _all_rows(table, args.file, args)
    header = list(table.header)
    defaults = _core.SurveyOptions.TEXT_COLUMNS
    if args.text:
        targets = sorted({_column(table, t, defaults, "text column", "text") for t in args.text})
    else:  # every default text column present: one left in clear (motivo masked, commento not) is data leaked
        found = (_core.find_column(header, "", [d], "text column", "text") for d in defaults)
        targets = sorted({i for i in found if i is not None})
        if not targets:
            raise CliError(f"no text column ({', '.join(defaults)}); name it with --text")
    columns = [table.column(i) for i in range(len(header))]
    _step(f"masking {args.file}")
    changed = 0
    for i in targets:
        masked = mask_batch(columns[i], kinds=kinds, style="pseudonym" if key else "tag", key=key)
        changed += sum(a != b for a, b in zip(masked, columns[i]))
        columns[i] = masked
    delim = table.delimiter or ","

    def write(f) -> None:
        _excel_bom(f, delim)
        f.write(delim.join(_text_cell(h) for h in header) + "\r\n")
        for r in range(len(table)):
            f.write(delim.join(_text_cell(c[r]) for c in columns) + "\r\n")

    if args.out:
        _step(f"writing {args.out}")
        with atomic_write(args.out, newline="") as f:
            write(f)
    else:
        write(_stdout())
    # On stderr also when the table went to stdout: which columns were masked, and so which were not.
    print(f"perche mask: {len(table)} rows, {changed} cells masked in {', '.join(_t(header[i]) for i in targets)}"
          + (f" → {_t(args.out)}" if args.out else ""), file=sys.stderr)
    return 0


# --- perche tokenize -----------------------------------------------------------------------------


def tokenize_command(args) -> int:
    from .text import Tokenizer

    _step("tokenizing standard input")
    tok = Tokenizer(stem=args.stem, negation=args.negation)
    raw = getattr(sys.stdin, "buffer", None)  # bytes, so that bad UTF-8 is a note, not a crash
    bad_lines = 0
    out = _stdout()
    for n, line in enumerate(raw if raw is not None else sys.stdin, 1):
        if isinstance(line, bytes):
            text = line.decode("utf-8", errors="replace")
            bad = text.count("\ufffd") - line.count(b"\xef\xbf\xbd")
            if bad:
                bad_lines += 1
                if bad_lines <= _LIMIT:
                    _say(f"line {n}: {bad} invalid UTF-8 sequence(s) replaced by U+FFFD")
            line = text
        line = line.rstrip("\r\n")
        if args.tokens:
            for t in tok.tokenize(line):
                print(f"{t.text}\t{t.norm}\t{t.kind}\t{t.start}\t{t.end}", file=out)
            print(file=out)
        else:
            print(" ".join(tok.normalize(line)), file=out)
    if bad_lines > _LIMIT:
        _say(f"… and {bad_lines - _LIMIT} more lines with invalid UTF-8")
    return 0


# --- perche discover -----------------------------------------------------------------------------


def discover_command(args) -> int:
    """Themes of an unlabelled text column (perche/discover.hpp) → a commented codebook to edit."""
    from .discover import discover

    _not_the_input(args.file, args.out, "--out", ("--seeds", args.seeds))
    check_writable(args.out)
    _step(f"reading {args.file}")
    table = _read(args.file)
    ti = _column(table, args.text, _core.SurveyOptions.TEXT_COLUMNS, "text column", "text")
    texts = list(table.column(ti))
    keep = [r for r, t in enumerate(texts) if t.strip()]  # a blank cell is no comment, as train and evaluate say
    if not keep:
        raise CliError(f"no comment to discover themes in: column {table.header[ti]!r} is empty in every row")
    scores = _discover_scores(table, args.score, keep, args.mask) if args.score else None
    texts = [texts[r] for r in keep]
    n_themes = None
    if args.themes and args.themes != "auto":
        try:
            n_themes = int(args.themes)
        except ValueError:
            raise CliError(f"--themes: {args.themes!r} is not a number or 'auto'") from None
        if n_themes < 1:
            raise CliError(f"--themes: {n_themes} is not a positive number")
    _step(f"discovering themes in {args.file}")
    themes = discover(texts, scores=scores, n_themes=n_themes, seeds=args.seeds, mask=args.mask)
    for th in themes.themes:
        extra = f", impact {th.impact:+.1f}" if th.impact is not None else ""
        print(f"{_t(th.name):<28} {th.share:6.1%}  {_t(', '.join(th.words[:6]))}{extra}")
    print(f"{len(themes.names)} themes, {themes.unassigned_share:.1%} of {themes.n_texts} comments with no theme "
          f"({len(table) - len(keep)} empty skipped)")
    _step(f"writing {args.out}")
    with atomic_write(args.out) as f:  # as every command writes (/dev/null and a FIFO in place), checked first
        f.write(themes.codebook())
    print(f"perche discover: codebook → {_t(args.out)} (edit it, then: perche analyze FILE --codebook "
          f"{_t(args.out)})", file=sys.stderr)
    return 0


def _listed(cells: list) -> str:
    """[(line, cell)] as "line 12 ('n/d'), line 40 ('x') and 3 more"."""
    shown = ", ".join(f"line {line} ({_t(cell)!r})" for line, cell in cells[:5])
    return shown + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")


def _discover_scores(table, name: str, rows: list, masked: bool) -> list:
    """The scores of `rows` (None: no score) under the survey's score rule (perche/survey.hpp
    parse_score, as analyze reads them): a cell it cannot read is left out, and so is a score
    outside [0, 10] in a column that is NPS but for a few such typos (100 for 10 switched every
    theme's figures from NPS to mean points); each kind named in one warning line."""
    from .privacy import mask

    si = _column(table, name, (), "score column", "score")  # found as every column option finds one
    column, lines = table.column(si), table.lines
    scores, unread = [], []
    for r in rows:
        cell = column[r]
        value = _core.parse_score(cell) if cell.strip() else None  # an empty cell: no score
        if value is None and cell.strip():  # quoted masked, as analyze quotes it (a phone pasted there)
            unread.append((int(lines[r]), mask(cell) if masked else cell))
        scores.append(value)
    given = [v for v in scores if v is not None]
    outside = [i for i, v in enumerate(scores) if v is not None and not 0 <= v <= 10]
    # NPS as perche/discover.hpp's ScoreMetric::automatic reads it (integers in [0, 10], one above 7)
    # once the few scores outside the scale are left out; else the column is another scale's.
    nps = len(outside) <= 0.05 * len(given) and any(v is not None and 7 < v <= 10 for v in scores)
    if unread:
        _say(f"--score {_t(table.header[si])}: {len(unread)} cell(s) are not an integer score and are left out: "
             f"{_listed(unread)}")
    if outside and nps:
        _say(f"--score {_t(table.header[si])}: {len(outside)} score(s) outside the NPS scale [0, 10] are left out: "
             f"{_listed([(int(lines[rows[i]]), column[rows[i]]) for i in outside])}")
        for i in outside:
            scores[i] = None
    return scores


# --- the parser ----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit status 2), and the FILE of train and evaluate
    also after --labels."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {_one_line(message)} (see {self.prog} --help)\n")

    def parse_known_args(self, args=None, namespace=None):
        ns, extra = super().parse_known_args(args, namespace)
        if getattr(ns, "file_after_labels", False):
            del ns.file_after_labels
            # --labels takes one or more columns, so in `perche evaluate --model M --labels driver
            # FILE` it took FILE too: with no FILE before it, the last of them is the FILE.
            if ns.file is None and ns.labels and len(ns.labels) > 1:
                ns.file = ns.labels.pop()
            if ns.file is None:
                self.error("the following arguments are required: file")
        return ns, extra


def _count(lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{v} is outside [{lo}, {hi}]")
        return v
    return parse


def _folds(text: str) -> int:
    """A number of cross-validation folds: 0 (none) or 2 to 1000; 1 fold has nothing to train on."""
    v = _count(0, 1000)(text)
    if v == 1:
        raise argparse.ArgumentTypeError("1 fold is no cross-validation (0: none, or 2 to 1000)")
    return v


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"{v} is outside (0, 1]")
    return v


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perche", description="Italian Voice-of-the-Customer analytics")
    sub = parser.add_subparsers(dest="command", required=True)

    d = _core.SurveyOptions()  # the defaults shown in the help are the C++ ones

    def survey_args(p, drivers: bool) -> None:
        p.add_argument("file", nargs="?", help="CSV file (default: the shipped sample survey)")
        p.add_argument("--score", help="score column (default: the metric's name)")
        p.add_argument("--metric", choices=["nps", "csat", "ces"], help=f"default {d.metric.name}")
        p.add_argument("--scale", nargs=2, type=_count(-2 ** 31, 2 ** 31 - 1), metavar=("LOWEST", "HIGHEST"),
                       help="scale of a CSAT or CES question (default 1 5 and 1 7)")
        p.add_argument("--date", help=f"date column for the trend (default: {' or '.join(d.DATE_COLUMNS)} if present)")
        p.add_argument("--freq", choices=["D", "W", "M", "Q", "Y"], help="trend period (default M: months)")
        p.add_argument("--by", action="append",
                       help=f"segment column (repeatable; default: those of {', '.join(d.SEGMENT_COLUMNS)} present)")
        p.add_argument("--html", help="write the visual report (self-contained HTML) to this file")
        p.add_argument("--json", help="write every figure to this JSON file (schema 4, docs/schema.md)")
        p.add_argument("--pdf", help="print the report to this PDF file (A4) with headless Chromium")
        p.add_argument("--lang", choices=["it", "en"], help=f"report language (default {d.lang})")
        p.add_argument("--no-progress", dest="progress", action="store_false", help="no status line on stderr")
        feel = p.add_mutually_exclusive_group()
        feel.add_argument("--sentiment-model", help="sentiment model saved by perche.SentimentClassifier "
                          "(default: the shipped lexicon model)")
        feel.add_argument("--no-sentiment", action="store_true", help="no sentiment figures")
        p.add_argument("--no-mask", dest="mask", action="store_false",
                       help="quote comments as written (default: personal data in them is masked, as perche mask does)")
        if not drivers:
            p.add_argument("--text", help="open-answer column (default: none; metrics only)")
            return
        p.add_argument("--text", help=f"open-answer column (default: {', '.join(d.TEXT_COLUMNS)})")
        src = p.add_mutually_exclusive_group()
        src.add_argument("--model", help="driver model from `perche train` (default: the shipped model)")
        src.add_argument("--codebook", nargs="?", const=True,
                         help="label drivers with a codebook file (no file: the shipped one)")
        src.add_argument("--labels", help="use gold driver labels from this column (names joined by | ; or ,)")
        src.add_argument("--no-drivers", action="store_true", help="metrics only, as `perche report`")
        p.add_argument("--threshold", type=_fraction, help="one decision threshold for every driver "
                       "(default: each driver's own, tuned when the model was trained)")
        p.add_argument("--bootstrap", type=_count(2, 10_000_000),
                       help=f"bootstrap replicates for impact CIs (default {d.bootstrap_samples})")
        p.add_argument("--verbatims", type=_count(0, 100_000), help=f"verbatims per driver (default {d.verbatims})")

    an = sub.add_parser("analyze", help="the drivers that move the score: survey CSV → summary, JSON, HTML report")
    survey_args(an, drivers=True)

    def labelled_file(p) -> None:  # train, evaluate: FILE before the options or after --labels COL...
        p.add_argument("file", nargs="?", help="CSV file (required; also after --labels COL...)")
        p.set_defaults(file_after_labels=True)

    EMPTY_LABEL = ("read a comment whose label cells are all empty as naming no driver (default: not labelled yet, "
                   "left out and counted)")

    tr = sub.add_parser("train", help="train a driver model on labelled comments")
    labelled_file(tr)
    tr.add_argument("--text", required=True, help="open-answer column")
    lab = tr.add_mutually_exclusive_group(required=True)
    lab.add_argument("--labels", nargs="+", help="one column of driver names joined by | ; or , — or one 0/1 column per driver")
    lab.add_argument("--codebook", nargs="?", const=True, help="label the comments with a codebook first (no file: the shipped one)")
    tr.add_argument("--positive", help="column of the drivers each comment praises (names joined by | ; or ,); "
                                       "with --negative: a driver + sentiment model")
    tr.add_argument("--negative", help="column of the drivers each comment blames (with --positive)")
    tr.add_argument("--out", required=True, help="model file to write")
    tr.add_argument("--no-mask", dest="mask", action="store_false",
                    help="learn from the comments as written (default: personal data masked first, so that the "
                         "model's vocabulary holds no phone, e-mail or name)")
    tr.add_argument("--cv-folds", type=_folds, help="folds for the cross-validated thresholds (default 5; 0 = fixed 0.5)")
    tr.add_argument("--eval-folds", type=_folds,
                    help="folds of the cross-validated precision, recall and F1 printed (default 5; 0 = none)")
    tr.add_argument("--empty-means-no-driver", action="store_true", help=EMPTY_LABEL)

    sa = sub.add_parser("sample", help="comments to label next: diverse, and the most doubtful under --model")
    sa.add_argument("file", help="CSV file")
    sa.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text, comment, verbatim)")
    sa.add_argument("--n", type=_count(1, 10_000_000), default=200, help="comments to pick (default 200)")
    sa.add_argument("--model", help="driver model: pick the comments it is least sure of (default: diversity only)")
    sa.add_argument("--label-column", default="driver", help="name of the empty column to fill in (default driver)")
    sa.add_argument("--out", help="output CSV (default: stdout)")

    ev = sub.add_parser("evaluate", help="precision, recall and F1 of a model on a labelled file")
    labelled_file(ev)
    ev.add_argument("--model", required=True, help="driver model from `perche train`")
    ev.add_argument("--labels", nargs="+", required=True,
                    help="one column of driver names joined by | ; or , — or one 0/1 column per driver")
    ev.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text, comment, verbatim)")
    ev.add_argument("--empty-means-no-driver", action="store_true", help=EMPTY_LABEL)

    cl = sub.add_parser("classify", help="label each comment: CSV out with a 0/1 and a probability column per driver")
    cl.add_argument("file", help="CSV file")
    cl.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text, comment, verbatim)")
    clsrc = cl.add_mutually_exclusive_group()
    clsrc.add_argument("--model", help="driver model (default: the shipped model)")
    clsrc.add_argument("--codebook", nargs="?", const=True, help="use a codebook instead of a model")
    cl.add_argument("--threshold", type=_fraction, help="one decision threshold for every driver "
                    "(default: each driver's own)")
    cl.add_argument("--out", help="output CSV (default: stdout)")
    cl.add_argument("--skip-bad-rows", action="store_true",
                    help="write the rows read when some records cannot be read (default: write nothing)")
    cl.add_argument("--excel", action="store_true",
                    help="write for Excel in Italian: ';', decimal comma, UTF-8 BOM (the default when the input uses ';')")

    tk = sub.add_parser("tokenize", help="Italian tokenizer: stdin lines → normalized terms (or tokens with --tokens)")
    tk.add_argument("--tokens", action="store_true", help="one token per line: surface, norm, kind, start, end")
    tk.add_argument("--stem", action="store_true", help="Snowball stemming")
    tk.add_argument("--negation", action="store_true", help="NEG_ prefix in negation scope")

    mk = sub.add_parser("mask", help="mask personal data (phones, e-mails, codici fiscali, IBANs, names...) "
                                     "in the text column(s) of a CSV")
    mk.add_argument("file", help="CSV file")
    mk.add_argument("--text", action="append",
                    help="text column to mask (repeatable; default: every one of motivo, testo, commento, text, "
                         "comment, verbatim present)")
    mk.add_argument("--kinds", help="comma-separated kinds to mask (default all: " + ", ".join(_core.PII_KINDS) + ")")
    mk.add_argument("--key-file", help="file holding a secret key: stable pseudonyms [TEL_3f9a2c] instead of tags [TEL]")
    mk.add_argument("--out", help="output CSV (default: stdout)")
    mk.add_argument("--skip-bad-rows", action="store_true",
                    help="write the rows read when some records cannot be read (default: write nothing)")

    rep = sub.add_parser("report", help="metrics report of a survey export (CSV), without drivers "
                                        "(= analyze --no-drivers)")
    survey_args(rep, drivers=False)

    dc = sub.add_parser("discover", help="themes of unlabelled comments → a commented codebook to edit")
    dc.add_argument("file", help="CSV file")
    dc.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text, comment, verbatim)")
    dc.add_argument("--score", help="score column: each theme's score and impact (NPS for 0-10 scores, else the mean)")
    dc.add_argument("--themes", help="number of themes, or auto (default: auto)")
    dc.add_argument("--seeds", help="file of 'name: word word ...' lines: themes to anchor to your names")
    dc.add_argument("--out", required=True, help="codebook file to write")
    dc.add_argument("--no-mask", dest="mask", action="store_false",
                    help="read and quote comments as written (default: personal data stays out of the themes' "
                         "words and is masked in their examples, as perche mask does)")
    return parser


def _message(e: BaseException) -> str:
    """The one-line text of an error: KeyError without its quotes, OSError with its file name."""
    if isinstance(e, KeyError) and e.args:
        return str(e.args[0])
    if isinstance(e, OSError) and e.strerror and e.filename is not None:
        return f"{e.filename}: {e.strerror}"
    return str(e) or type(e).__name__


def main(argv=None) -> int:
    """Runs one command; returns the exit status (0, 2 for an error reported in one line, 130)."""
    args = _parser().parse_args(argv)
    commands = {"analyze": analyze_command, "train": train_command, "classify": classify_command,
                "tokenize": tokenize_command, "report": analyze_command, "mask": mask_command,
                "sample": sample_command, "evaluate": evaluate_command, "discover": discover_command}
    _step(args.command)
    try:
        status = commands[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at exit
        return status
    except BrokenPipeError:  # `perche analyze | head`: the reader left, which is not an error
        try:  # nothing more reaches the pipe, not even the interpreter's flush at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except MemoryError:
        _say(f"out of memory while {_doing}")
        return 2
    # The documented failures of the library and of the input: perche's errors (AnalysisError,
    # FormatError and std::invalid_argument are ValueError; IoError is OSError; RuntimeError from
    # C++, such as a thread that cannot start), OS errors, bad text (UnicodeError is a ValueError).
    # Anything else is a bug and keeps its traceback.
    except (CliError, ValueError, OSError, RuntimeError, KeyError, csv.Error) as e:
        _say(_message(e))
        return 2


if __name__ == "__main__":
    sys.exit(main())
