"""Fine-tune a sentence encoder with low-rank adapters, on the CPU with torch (training time only).

Run time never imports this module: what it produces, an adapter and a head in ``.npz`` files, runs
with the numpy encoder (``crosswire.embed.adapter``, ``crosswire.embed.tuned``). torch comes with
the train extra (``pip install -e .[train]``, which pins the CPU build).

The torch model here (``TorchEncoder``) is the same network as the numpy encoder it is given as
``arch``: ``minilm.SentenceEncoder`` (all-MiniLM-L6-v2: post-LN BERT, exact GELU, LayerNorm eps
1e-12), the default, or ``mpnet.MPNetEncoder`` (all-mpnet-base-v2: no token types, positions from 2,
a relative position bias shared by the layers, eps 1e-5). It is built from the same safetensors
tensors; ``check_against_numpy`` and the tests check that the two agree.
The base weights stay frozen. Each adapted linear layer gets LoRA factors A (rank × in, random) and
B (out × rank, zeros), so that training starts from the base model exactly; only A, B and the task
head learn. With rank 8 on the six linear layers of all six blocks that is about 330,000 numbers
(1.3 MB as float32) against the encoder's 22.7 million.

Two objectives:

* ``fine_tune_classifier``: texts (each with optional character spans to pool) → labels, cross-
  entropy over a linear head on the pooled features (``tuned.pool``: the whole-text mean of the
  pieces, then one mean per span);
* ``fine_tune_pairs``: text pairs → a similarity in [0, 1], the squared error of the cosine of their
  whole-text means (sentence-transformers' CosineSimilarityLoss).

Everything is seeded; on one machine, with the same thread count, a run is repeatable.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .adapter import Adapter
from .minilm import SentenceEncoder, read_safetensors
from .mpnet import MPNetEncoder, relative_buckets
from .tuned import Span, piece_range

try:  # training time only; the error names the extra to install
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError as exc:  # pragma: no cover - exercised only without the train extra
    raise ImportError("crosswire.embed.finetune needs torch: pip install -e '.[train]'") from exc

__all__ = ["TuneConfig", "Example", "TunedHead", "examples", "fine_tune_classifier", "fine_tune_pairs", "fine_tune_tagger", "TorchEncoder", "check_against_numpy"]

log = logging.getLogger(__name__)

#: The linear layers of a BERT block, by their Hugging Face names (``TuneConfig.targets`` names them
#: so for every encoder: for MPNet each stands for the layer in the same role, ``LAYER_NAMES``).
LINEARS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
#: The roles of those layers in ``SentenceEncoder.LAYER_NAMES``, in the same order.
_ROLES = ("query", "key", "value", "out", "ff_in", "ff_out")


@dataclass(frozen=True, slots=True)
class TuneConfig:
    """How to fine-tune.

    Attributes:
        rank (int): LoRA rank r.
        alpha (float): LoRA alpha; B A is scaled by alpha / r.
        targets (tuple[str, ...]): which linear layers of each block get factors (``LINEARS`` names).
        layers (tuple[int, ...] | None): which blocks get factors; None for all.
        epochs (int): passes over the training data.
        lr (float): AdamW learning rate of the factors.
        head_lr (float): learning rate of the task head.
        batch_size (int): examples per step.
        weight_decay (float): AdamW weight decay (factors and head weights).
        dropout (float): dropout on attention weights and block outputs, and on the factors' input.
        warmup (float): share of the steps with a linearly rising learning rate (then linear decay).
        seed (int): the seed of initialisation, dropout and shuffling.
        threads (int): torch's intra-op threads.
    """

    rank: int = 8
    alpha: float = 16.0
    targets: tuple[str, ...] = LINEARS
    layers: tuple[int, ...] | None = None
    epochs: int = 6
    lr: float = 5e-4
    head_lr: float = 3e-3
    batch_size: int = 16
    weight_decay: float = 0.01
    dropout: float = 0.1
    warmup: float = 0.1
    seed: int = 13
    threads: int = 2

    def as_dict(self) -> dict:
        """RETURNS (dict): the settings, JSON-ready."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in ((f, getattr(self, f)) for f in self.__slots__)}


@dataclass(frozen=True, slots=True)
class Example:
    """A text as the model sees it.

    Attributes:
        ids (tuple[int, ...]): word-piece ids with [CLS] and [SEP].
        pools (tuple[tuple[int, int], ...]): [lo, hi) ranges over the pieces without [CLS] (piece k
            is ids[k + 1]): first the whole text, then one per task span.
    """

    ids: tuple[int, ...]
    pools: tuple[tuple[int, int], ...]


def examples(encoder: SentenceEncoder, texts: Sequence[str], spans: Sequence[Sequence[Span | None]] | None = None) -> list[Example]:
    """Tokenise texts and map their spans to piece ranges exactly as ``tuned.pool`` does at run time.

    Args:
        encoder (SentenceEncoder): the base encoder (its tokenizer and ``max_length`` truncation).
        texts (Sequence[str]): the texts.
        spans (Sequence[Sequence[Span | None]] | None): per text, the task's character spans.
    RETURNS (list[Example]): one per text.
    """
    out = []
    for i, enc in enumerate(encoder.tokenizer.encode_batch(list(texts), add_special_tokens=True)):
        n = len(enc.ids)
        offsets = np.asarray(enc.offsets[1 : n - 1], dtype=np.int64).reshape(-1, 2)
        mine = spans[i] if spans is not None else ()
        pools = tuple(piece_range(offsets, s) for s in (None, *mine))
        out.append(Example(ids=tuple(enc.ids), pools=pools))
    return out


class _LoRALinear(nn.Module):
    """A frozen linear layer, plus scale · B A (x) when adapted."""

    def __init__(self, w: np.ndarray, b: np.ndarray, rank: int, scale: float, dropout: float, adapt: bool) -> None:
        super().__init__()
        self.register_buffer("weight", torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32)))
        self.register_buffer("bias", torch.from_numpy(np.ascontiguousarray(b, dtype=np.float32)))
        self.scale = scale
        self.adapt = adapt
        if adapt:
            n_out, n_in = w.shape
            self.a = nn.Parameter(torch.empty(rank, n_in))
            nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
            self.b = nn.Parameter(torch.zeros(n_out, rank))
            self.drop = nn.Dropout(dropout)

    def forward(self, x: "torch.Tensor") -> "torch.Tensor":
        y = F.linear(x, self.weight, self.bias)
        if self.adapt:
            y = y + F.linear(F.linear(self.drop(x), self.a), self.b) * self.scale
        return y


class _Block(nn.Module):
    def __init__(self, t: dict[str, np.ndarray], pre: str, cfg: TuneConfig, adapt: bool, heads: int, names: dict[str, str]) -> None:
        super().__init__()
        scale = cfg.alpha / cfg.rank
        self.lin = nn.ModuleDict(
            {
                role: _LoRALinear(
                    t[pre + names[role] + ".weight"], t[pre + names[role] + ".bias"], cfg.rank, scale, cfg.dropout, adapt and bert in cfg.targets
                )
                for role, bert in zip(_ROLES, LINEARS)
            }
        )
        for role in ("ln1", "ln2"):
            self.register_buffer(f"{role}_w", torch.from_numpy(t[pre + names[role] + ".weight"].astype(np.float32)))
            self.register_buffer(f"{role}_b", torch.from_numpy(t[pre + names[role] + ".bias"].astype(np.float32)))
        self.heads = heads
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: "torch.Tensor", bias: "torch.Tensor", eps: float) -> "torch.Tensor":
        b, n, h = x.shape
        d = h // self.heads

        def split(t: "torch.Tensor") -> "torch.Tensor":
            return t.view(b, n, self.heads, d).transpose(1, 2)

        q = split(self.lin["query"](x))
        k = split(self.lin["key"](x))
        v = split(self.lin["value"](x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (self.drop(scores.softmax(dim=-1)) @ v).transpose(1, 2).reshape(b, n, h)
        a = self.drop(self.lin["out"](ctx)) + x
        x = F.layer_norm(a, (h,), self.ln1_w, self.ln1_b, eps)
        ff = self.lin["ff_out"](F.gelu(self.lin["ff_in"](x)))
        return F.layer_norm(self.drop(ff) + x, (h,), self.ln2_w, self.ln2_b, eps)


class TorchEncoder(nn.Module):
    """A numpy encoder's network in torch (``arch``: ``SentenceEncoder`` or ``MPNetEncoder``), base
    weights frozen, LoRA factors where ``TuneConfig`` says."""

    def __init__(self, tensors: dict[str, np.ndarray], cfg: TuneConfig, *, arch: type[SentenceEncoder] = SentenceEncoder, heads: int = 12) -> None:
        super().__init__()
        self.cfg = cfg
        self.arch = arch
        self.width = arch.WIDTH
        self.eps = arch.LAYER_NORM_EPS
        self.relative = issubclass(arch, MPNetEncoder)
        embeddings = ("word_embeddings", "position_embeddings", "LayerNorm") + (() if self.relative else ("token_type_embeddings",))
        for name in embeddings:
            for part in ("weight", "bias") if name == "LayerNorm" else ("weight",):
                self.register_buffer(f"emb_{name}_{part}", torch.from_numpy(tensors[f"embeddings.{name}.{part}"].astype(np.float32)))
        if self.relative:  # (buckets, heads), one learned value per head and bucket, shared by all layers
            self.register_buffer("relative_bias", torch.from_numpy(tensors["encoder.relative_attention_bias.weight"].astype(np.float32)))
        names = arch.LAYER_NAMES
        n_layers = 0
        while f"encoder.layer.{n_layers}.{names['query']}.weight" in tensors:
            n_layers += 1
        chosen = set(range(n_layers) if cfg.layers is None else cfg.layers)
        self.blocks = nn.ModuleList(_Block(tensors, f"encoder.layer.{i}.", cfg, i in chosen, heads, names) for i in range(n_layers))
        self.drop = nn.Dropout(cfg.dropout)

    @property
    def first_adapted(self) -> int:
        """The index of the lowest block with factors (the blocks below it never change)."""
        return min((i for i, b in enumerate(self.blocks) if any(lin.adapt for lin in b.lin.values())), default=len(self.blocks))

    def forward(self, ids: "torch.Tensor", mask: "torch.Tensor", *, start: int = 0, x: "torch.Tensor | None" = None, stop: int | None = None) -> "torch.Tensor":
        """(B, L) ids and float mask → (B, L, width) vectors after block ``stop`` - 1 (the last by default).

        With ``x`` (the output of block ``start`` - 1, as ``forward(..., stop=start)`` gave it), the
        blocks below ``start`` are skipped: frozen blocks are then computed once, not every epoch.
        """
        n = ids.shape[1]
        if x is None:
            first = self.arch.FIRST_POSITION
            x = self.emb_word_embeddings_weight[ids] + self.emb_position_embeddings_weight[first : first + n]
            if not self.relative:
                x = x + self.emb_token_type_embeddings_weight[0]
            x = self.drop(F.layer_norm(x, (self.width,), self.emb_LayerNorm_weight, self.emb_LayerNorm_bias, self.eps))
            start = 0
        bias = ((1.0 - mask) * torch.finfo(torch.float32).min)[:, None, None, :]
        if self.relative:
            bias = bias + self.relative_bias[torch.from_numpy(relative_buckets(n))].permute(2, 0, 1)[None]
        for block in self.blocks[start:stop]:
            x = block(x, bias, self.eps)
        return x

    def adapter(self, *, source: str = "") -> Adapter:
        """RETURNS (Adapter): the learnt factors, by the Hugging Face names of the tensors they change."""
        factors = {}
        for i, block in enumerate(self.blocks):
            for role, lin in block.lin.items():
                if lin.adapt:
                    name = f"encoder.layer.{i}.{self.arch.LAYER_NAMES[role]}.weight"
                    factors[name] = (lin.a.detach().numpy().astype(np.float32).copy(), lin.b.detach().numpy().astype(np.float32).copy())
        return Adapter(factors=factors, scale=self.cfg.alpha / self.cfg.rank, source=source)


class _Runner:
    """Runs the model on batches of examples, the frozen blocks below the first adapted one computed
    once (without dropout) and kept per example, so each epoch pays only for the adapted blocks."""

    def __init__(self, model: TorchEncoder, items: Sequence[Example], batch_size: int) -> None:
        self.model = model
        self.start = model.first_adapted
        self.cache: dict[int, "torch.Tensor"] = {}
        if self.start == 0:
            return
        model.eval()
        with torch.no_grad():
            order = sorted(range(len(items)), key=lambda i: len(items[i].ids))
            for s in range(0, len(order), 64):
                chunk = order[s : s + 64]
                ids, mask = _batch([items[i] for i in chunk])
                h = model(ids, mask, stop=self.start)
                for r, i in enumerate(chunk):
                    self.cache[i] = h[r, : len(items[i].ids)].clone()
        model.train()

    def __call__(self, idx: Sequence[int], items: Sequence[Example]) -> "torch.Tensor":
        chosen = [items[i] for i in idx]
        ids, mask = _batch(chosen)
        if not self.cache:
            return self.model(ids, mask)
        x = torch.zeros((len(chosen), ids.shape[1], self.model.width))
        for r, i in enumerate(idx):
            x[r, : len(chosen[r].ids)] = self.cache[int(i)]
        return self.model(ids, mask, start=self.start, x=x)


def _batch(items: Sequence[Example]) -> tuple["torch.Tensor", "torch.Tensor"]:
    width = max(len(e.ids) for e in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.float32)
    for r, e in enumerate(items):
        ids[r, : len(e.ids)] = torch.tensor(e.ids, dtype=torch.long)
        mask[r, : len(e.ids)] = 1.0
    return ids, mask


def _pooled(hidden: "torch.Tensor", items: Sequence[Example]) -> "torch.Tensor":
    """Per example, the means of its pools (piece k is hidden position k + 1), concatenated."""
    rows = []
    for r, e in enumerate(items):
        parts = []
        for lo, hi in e.pools:
            seg = hidden[r, 1 + lo : 1 + hi] if hi > lo else hidden[r, 1 : len(e.ids) - 1]
            parts.append(seg.mean(dim=0) if seg.shape[0] else torch.zeros(hidden.shape[-1]))
        rows.append(torch.cat(parts))
    return torch.stack(rows)


def _schedule(opt: "torch.optim.Optimizer", steps: int, warmup: float) -> "torch.optim.lr_scheduler.LambdaLR":
    ramp = max(1, int(steps * warmup))

    def factor(step: int) -> float:
        if step < ramp:
            return (step + 1) / ramp
        return max(0.0, (steps - step) / max(1, steps - ramp))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def _base(tensors: dict[str, np.ndarray] | None, arch: type[SentenceEncoder] = SentenceEncoder) -> dict[str, np.ndarray]:
    """The given base weights, or those of ``arch``'s installed model."""
    return read_safetensors(arch.default_dir() / "model.safetensors", hint=arch.INSTALL_HINT) if tensors is None else tensors


def _order(n: int, batch_size: int, rng: np.random.Generator, items: Sequence[Example]) -> list[np.ndarray]:
    """Shuffled batches of similar lengths: shuffle, sort chunks of 8 batches by length, shuffle batches."""
    perm = rng.permutation(n)
    chunk = batch_size * 8
    batches = []
    for s in range(0, n, chunk):
        part = sorted(perm[s : s + chunk], key=lambda i: len(items[i].ids))
        batches += [np.asarray(part[j : j + batch_size]) for j in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


@dataclass(slots=True)
class TunedHead:
    """The result of ``fine_tune_classifier``: the adapter, the head and the training log.

    Attributes:
        adapter (Adapter): the encoder's factors.
        weights (np.ndarray): (classes, features) float32.
        bias (np.ndarray): (classes,) float32.
        losses (list[float]): mean training loss per epoch.
    """

    adapter: Adapter
    weights: np.ndarray
    bias: np.ndarray
    losses: list[float] = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        """RETURNS (dict[str, np.ndarray]): the arrays of the ``.npz`` that ``tuned.TunedClassifier`` reads."""
        out = self.adapter.arrays()
        out["head|w"] = self.weights
        out["head|b"] = self.bias
        return out


def _with_head(cfg: TuneConfig, tensors: dict[str, np.ndarray] | None, pools: int, n_out: int, n_items: int, arch: type[SentenceEncoder]):
    """Seeded model, a linear head (pools × width → n_out), AdamW over the factors and the head, and its schedule.

    RETURNS: (model, head, optimizer, scheduler, numpy generator for shuffling).
    """
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    model = TorchEncoder(_base(tensors, arch), cfg, arch=arch)
    head = nn.Linear(pools * model.width, n_out)
    nn.init.normal_(head.weight, std=0.02)
    nn.init.zeros_(head.bias)
    factors = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": factors, "lr": cfg.lr}, {"params": list(head.parameters()), "lr": cfg.head_lr}], weight_decay=cfg.weight_decay
    )
    sched = _schedule(opt, cfg.epochs * math.ceil(n_items / cfg.batch_size), cfg.warmup)
    return model, head, opt, sched, rng


def _result(model: TorchEncoder, head: "nn.Linear", losses: list[float]) -> TunedHead:
    return TunedHead(
        adapter=model.adapter(),
        weights=head.weight.detach().numpy().astype(np.float32).copy(),
        bias=head.bias.detach().numpy().astype(np.float32).copy(),
        losses=losses,
    )


def fine_tune_classifier(
    items: Sequence[Example],
    labels: Sequence[int],
    n_classes: int,
    cfg: TuneConfig = TuneConfig(),
    *,
    tensors: dict[str, np.ndarray] | None = None,
    class_weights: Sequence[float] | None = None,
    progress: Callable[[str], None] | None = None,
    arch: type[SentenceEncoder] = SentenceEncoder,
) -> TunedHead:
    """Fine-tune the encoder's adapter and a linear softmax head on labelled texts.

    Args:
        items (Sequence[Example]): the texts (``examples``); all with the same number of pools.
        labels (Sequence[int]): class index of each text.
        n_classes (int): number of classes.
        cfg (TuneConfig): the settings.
        tensors (dict[str, np.ndarray] | None): the base weights; None reads the installed package.
        class_weights (Sequence[float] | None): cross-entropy weight per class.
        progress (Callable[[str], None] | None): called with one line per epoch.
        arch (type[SentenceEncoder]): the encoder to tune (``SentenceEncoder`` or ``MPNetEncoder``).
    RETURNS (TunedHead): adapter, head and losses.
    """
    if len(items) != len(labels) or not items:
        raise ValueError(f"{len(items)} examples but {len(labels)} labels")
    n_pools = {len(e.pools) for e in items}
    if len(n_pools) != 1:
        raise ValueError(f"examples disagree on the number of pools: {sorted(n_pools)}")
    model, head, opt, sched, rng = _with_head(cfg, tensors, n_pools.pop(), n_classes, len(items), arch)
    y = torch.tensor(list(labels), dtype=torch.long)
    weight = None if class_weights is None else torch.tensor(list(class_weights), dtype=torch.float32)
    losses = []
    run = _Runner(model, items, cfg.batch_size)
    model.train()
    for epoch in range(cfg.epochs):
        t0, total = time.perf_counter(), 0.0
        for idx in _order(len(items), cfg.batch_size, rng, items):
            chosen = [items[i] for i in idx]
            logits = head(_pooled(run(idx, items), chosen))
            loss = F.cross_entropy(logits, y[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / len(items))
        if progress:
            progress(f"epoch {epoch + 1}/{cfg.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - t0:.0f} s)")
    return _result(model, head, losses)


def fine_tune_pairs(
    first: Sequence[Example],
    second: Sequence[Example],
    scores: Sequence[float],
    cfg: TuneConfig = TuneConfig(),
    *,
    tensors: dict[str, np.ndarray] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Adapter, list[float]]:
    """Fine-tune the encoder's adapter so that the cosine of two texts' mean vectors fits a score.

    Args:
        first (Sequence[Example]): the first text of each pair (its first pool is used).
        second (Sequence[Example]): the second text of each pair.
        scores (Sequence[float]): the target similarity of each pair, in [0, 1].
        cfg (TuneConfig): the settings (``head_lr`` is unused).
        tensors (dict[str, np.ndarray] | None): the base weights; None reads the installed package.
        progress (Callable[[str], None] | None): called with one line per epoch.
    RETURNS (tuple[Adapter, list[float]]): the adapter and the mean loss of each epoch.
    """
    if not (len(first) == len(second) == len(scores)) or not scores:
        raise ValueError(f"{len(first)}, {len(second)} and {len(scores)} pairs, texts and scores")
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    model = TorchEncoder(_base(tensors), cfg)
    factors = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(factors, lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * math.ceil(len(scores) / cfg.batch_size)
    sched = _schedule(opt, steps, cfg.warmup)
    target = torch.tensor(list(scores), dtype=torch.float32)
    longest = [Example(ids=a.ids if len(a.ids) >= len(b.ids) else b.ids, pools=()) for a, b in zip(first, second)]
    run_a, run_b = _Runner(model, first, cfg.batch_size), _Runner(model, second, cfg.batch_size)
    losses = []
    model.train()
    for epoch in range(cfg.epochs):
        t0, total = time.perf_counter(), 0.0
        for idx in _order(len(scores), cfg.batch_size, rng, longest):
            a_items = [Example(first[i].ids, first[i].pools[:1]) for i in idx]
            b_items = [Example(second[i].ids, second[i].pools[:1]) for i in idx]
            va = _pooled(run_a(idx, first), a_items)
            vb = _pooled(run_b(idx, second), b_items)
            loss = F.mse_loss(F.cosine_similarity(va, vb), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / len(scores))
        if progress:
            progress(f"epoch {epoch + 1}/{cfg.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - t0:.0f} s)")
    return model.adapter(), losses


def fine_tune_tagger(
    items: Sequence[Example],
    tags: Sequence[Sequence[int]],
    n_tags: int,
    cfg: TuneConfig = TuneConfig(),
    *,
    tensors: dict[str, np.ndarray] | None = None,
    class_weights: Sequence[float] | None = None,
    progress: Callable[[str], None] | None = None,
    arch: type[SentenceEncoder] = SentenceEncoder,
) -> TunedHead:
    """Fine-tune the encoder's adapter and a linear softmax head that tags each word piece.

    Args:
        items (Sequence[Example]): the texts (``examples``; their pools are not used).
        tags (Sequence[Sequence[int]]): per text, one tag index per word piece ([CLS]/[SEP]
            excluded, so ``len(ids) - 2`` of them); -100 leaves a piece out of the loss.
        n_tags (int): number of tags.
        cfg (TuneConfig): the settings.
        tensors (dict[str, np.ndarray] | None): the base weights; None reads the installed package.
        class_weights (Sequence[float] | None): cross-entropy weight per tag.
        progress (Callable[[str], None] | None): called with one line per epoch.
        arch (type[SentenceEncoder]): the encoder to tune (``SentenceEncoder`` or ``MPNetEncoder``).
    RETURNS (TunedHead): adapter, head ((n_tags, width) weights) and losses.
    """
    if len(items) != len(tags) or not items:
        raise ValueError(f"{len(items)} examples but {len(tags)} tag lists")
    for k, (e, t) in enumerate(zip(items, tags)):
        if len(t) != len(e.ids) - 2:
            raise ValueError(f"example {k}: {len(e.ids) - 2} pieces but {len(t)} tags")
    model, head, opt, sched, rng = _with_head(cfg, tensors, 1, n_tags, len(items), arch)
    weight = None if class_weights is None else torch.tensor(list(class_weights), dtype=torch.float32)
    run = _Runner(model, items, cfg.batch_size)
    losses = []
    model.train()
    for epoch in range(cfg.epochs):
        t0, total, count = time.perf_counter(), 0.0, 0
        for idx in _order(len(items), cfg.batch_size, rng, items):
            hidden = run(idx, items)
            width = hidden.shape[1]
            gold = torch.full((len(idx), width), -100, dtype=torch.long)
            for r, i in enumerate(idx):
                gold[r, 1 : 1 + len(tags[i])] = torch.tensor(list(tags[i]), dtype=torch.long)
            logits = head(hidden)
            loss = F.cross_entropy(logits.reshape(-1, n_tags), gold.reshape(-1), weight=weight, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
            count += len(idx)
        losses.append(total / max(count, 1))
        if progress:
            progress(f"epoch {epoch + 1}/{cfg.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - t0:.0f} s)")
    return _result(model, head, losses)


def check_against_numpy(encoder: SentenceEncoder, texts: Sequence[str] = ("The army shelled the town on Friday.", "Talks resumed."), *, tol: float = 1e-4) -> float:
    """Check that the torch model, factors at their start, computes what the numpy encoder computes.

    Training scripts call this first: a tuned adapter is only worth shipping when the network it was
    trained in is the network that runs it.

    Args:
        encoder (SentenceEncoder): the numpy encoder (no adapter); its class is the torch model's ``arch``.
        texts (Sequence[str]): texts to compare on.
        tol (float): the largest absolute difference allowed in the last-layer vectors.
    RETURNS (float): the largest difference found.
    Raises:
        AssertionError: when it is over ``tol``.
    """
    arch = type(encoder)
    model = TorchEncoder(_base(None, arch), TuneConfig(dropout=0.0), arch=arch)
    model.eval()
    items = examples(encoder, texts)
    ids, mask = _batch(items)
    with torch.no_grad():
        ours = model(ids, mask).numpy()
    theirs = encoder.encode_tokens(list(texts))
    worst = 0.0
    for r, tv in enumerate(theirs):
        worst = max(worst, float(np.abs(ours[r, 1 : 1 + len(tv.vectors)] - tv.vectors).max()))
    if worst > tol:
        raise AssertionError(f"the torch {arch.MODEL_NAME} differs from the numpy encoder by {worst:.2e} (> {tol})")
    return worst
