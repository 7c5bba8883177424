"""Checks of a resolved milstein2021 scenario that involve several keys (the schema checks each
key alone).  Pure Python: run by the config validation before any job is planned."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def lap_ms(track: Mapping[str, Any]) -> int:
    """Samples of one lap on the 1-ms grid (``len(arange(0, generic_t[-1], 1))``)."""
    n = round(track["track_length_cm"] / track["position_step_cm"])
    last = (n - 1) * track["position_step_cm"] / track["run_speed_cm_per_s"] * 1000.0
    return math.ceil(last)


def _rule_errors(rule: Mapping[str, Any], where: str) -> list[tuple[str, str]]:
    errors = []
    if rule["tau_IS_ms"] >= rule["tau_ET_ms"]:
        errors.append(
            (
                f"{where}.tau_IS_ms",
                "must be shorter than tau_ET_ms (the fitted model has tau_ET > tau_IS)",
            )
        )
    return errors


def _sigmoid_errors(th: float, x_max: float, key: str) -> list[tuple[str, str]]:
    if not 0.0 <= th <= x_max:
        return [(key, f"threshold {th} outside the sigmoid's range [0, {x_max}]")]
    return []


def consistency_errors(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, message)`` for every cross-key problem of a resolved scenario config."""
    model, protocol, analysis = params["model"], params["protocol"], params["analysis"]
    errors: list[tuple[str, str]] = []
    A = model["A"]
    window = (A["t_start_s"], A["t_stop_s"])
    if not window[0] < -A["input_span_s"] and A["input_span_s"] < window[1]:
        errors.append(("model.A.input_span_s", "spike times must lie inside the time window"))
    if not A["plateau_s"] < window[1]:
        errors.append(("model.A.plateau_s", "the plateau must end inside the time window"))
    for key in ("et_norm_input", "trace_input"):
        if A[key] >= A["n_inputs"]:
            errors.append((f"model.A.{key}", f"must be below n_inputs ({A['n_inputs']})"))
    for name, variant in A["variants"].items():
        if not variant["linear_q"]:
            for q in ("q_pot", "q_dep"):
                where = f"model.A.variants.{name}.{q}"
                errors += _sigmoid_errors(variant[f"{q}_th"], 1.0, f"{where}_th")
                if variant[f"{q}_peak"] == variant[f"{q}_th"]:
                    errors.append((f"{where}_peak", "must differ from the threshold"))
    if protocol["A"]["W0_min"] >= protocol["A"]["W0_max"]:
        errors.append(("protocol.A.W0_max", "must exceed W0_min"))
    track = model["track"]
    lap = lap_ms(track)
    if lap % track["down_dt_ms"]:
        errors.append(("model.track.down_dt_ms", f"must divide the lap of {lap} ms"))
    errors += _rule_errors(model["B"], "model.B") + _rule_errors(model["C"], "model.C")
    B = protocol["B"]
    if B["plateau_ms"] > lap:
        errors.append(("protocol.B.plateau_ms", f"plateau longer than a lap ({lap} ms)"))
    if B["induction_loc_cm"] >= track["track_length_cm"]:
        errors.append(("protocol.B.induction_loc_cm", "must lie on the track"))
    if B["induction2_init"] == "model_induction1" and B["start_from"] is None:
        errors.append(("protocol.B.induction2_init", "model_induction1 needs start_from"))
    C, PC = model["C"], protocol["C"]
    if C["plateau_ms"] + C["pause_ms"] > lap:
        errors.append(("model.C.plateau_ms", f"plateau and pause longer than a lap ({lap} ms)"))
    if PC["reward_loc_cm"] >= track["track_length_cm"]:
        errors.append(("protocol.C.reward_loc_cm", "must lie on the track"))
    if PC["reward_ms"] > lap:
        errors.append(("protocol.C.reward_ms", f"longer than a lap ({lap} ms)"))
    for part in ("basal", "reward"):
        errors += _sigmoid_errors(C[part]["th"], C[part]["x_max"], f"model.C.{part}.th")
    if C["rate_threshold_mV"] >= C["max_ramp_mV"]:
        errors.append(("model.C.max_ramp_mV", "must exceed rate_threshold_mV"))
    low, high = analysis["C"]["reward_zone_cm"]
    if low >= high:
        errors.append(("analysis.C.reward_zone_cm", "the zone must have low < high"))
    return errors
