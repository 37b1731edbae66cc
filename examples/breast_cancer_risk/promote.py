"""Promote the best registered version of each model: `champion` serves, `challenger` shadows.

Usage: python promote.py [--tracking-uri URI]
The champion is the version whose run has the highest cross-validated ROC AUC; the most
recent other version becomes the challenger.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from mlflow import MlflowClient

HERE = Path(__file__).resolve().parent

MODEL_DESCRIPTIONS = {
    "logreg": "Logistic regression on standardised nuclei measurements and shape ratios. "
    "Predicts the probability that a fine-needle aspirate is malignant; used to triage "
    "biopsies for a second pathologist review.",
    "gbm": "Gradient-boosted trees on the same features. Challenger to the linear model; "
    "captures interactions between texture and concavity.",
}


def promote(client: MlflowClient, name: str, family: str) -> dict[str, str]:
    """Set aliases, descriptions and tags on one registered model; returns alias -> version."""
    versions = client.search_model_versions(f"name = '{name}'")
    scored = []
    for mv in versions:
        metrics = client.get_run(mv.run_id).data.metrics
        scored.append((metrics.get("cv_roc_auc", 0.0), int(mv.version), mv))
        client.update_model_version(
            name,
            mv.version,
            description=f"CV ROC AUC {metrics.get('cv_roc_auc', float('nan')):.4f}, "
            f"test ROC AUC {metrics.get('test_roc_auc', float('nan')):.4f}",
        )
        client.set_model_version_tag(name, mv.version, "validation_status", "pending")
    champion = max(scored)[2]
    others = sorted((s for s in scored if s[2].version != champion.version), key=lambda s: s[1])
    aliases = {"champion": champion.version}
    client.set_registered_model_alias(name, "champion", champion.version)
    client.set_model_version_tag(name, champion.version, "validation_status", "approved")
    if others:
        challenger = others[-1][2]
        client.set_registered_model_alias(name, "challenger", challenger.version)
        aliases["challenger"] = challenger.version
    client.update_registered_model(name, description=MODEL_DESCRIPTIONS[family])
    client.set_registered_model_tag(name, "owner", "oncology-analytics")
    client.set_registered_model_tag(name, "risk_tier", "high")
    client.set_registered_model_tag(name, "use_case", "biopsy triage")
    return aliases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracking-uri", default=None)
    parser.add_argument("--config", default=str(HERE / "config.yaml"))
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.config).read_text())
    client = MlflowClient(args.tracking_uri)
    for family, name in config["registered_models"].items():
        print(name, promote(client, name, family))


if __name__ == "__main__":
    main()
