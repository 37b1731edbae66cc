"""Deep-learning shapes found by documenting public repositories nobody here wrote (a Keras image
classifier built layer by layer): each test writes a small project of our own and reads the Word
document the offline default produces."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.support.documents import document_lines, write_tree
from tests.test_unseen_shapes import document

XRAY_CNN = {
    "train.py": """
        from keras.callbacks import EarlyStopping
        from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
        from keras.models import Sequential
        from keras.preprocessing.image import ImageDataGenerator

        net = Sequential()
        net.add(Conv2D(16, (3, 3), activation="relu", input_shape=(96, 96, 1)))
        net.add(MaxPooling2D(pool_size=(2, 2)))
        net.add(Flatten())
        net.add(Dense(1, activation="sigmoid"))
        net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        augment = ImageDataGenerator(rescale=1.0 / 255, horizontal_flip=True)
        images = augment.flow_from_directory("scans/train", target_size=(96, 96), class_mode="binary")
        net.fit(images, epochs=8, callbacks=[EarlyStopping(patience=2)])
        net.save("models/cnn.h5")
    """,
}


def test_a_networks_layers_optimiser_and_stopping_rule_are_documented(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    code = write_tree(tmp_path / "code", {k: textwrap.dedent(v) for k, v in XRAY_CNN.items()})
    paragraphs, _ = document_lines(code, tmp_path / "out")
    text = "\n".join(paragraphs)
    layers = "Conv2D(16, [3, 3]), MaxPooling2D(), Flatten(), Dense(1) ["
    built = f"Sequential (train.py, line 7) is built from the layers {layers}"
    assert built in text
    assert (
        "Training uses adam (train.py, line 12) [" in text and "EarlyStopping (train.py, line 15) [" in text
    )
    cache = json.loads((tmp_path / "out" / ".autodoc_cache.json").read_text())
    sources = {  # what the review screen lists as the sources of each section
        s["heading"]: {i for b in s["blocks"] for i in b["plan"].get("evidence_ids", [])}
        for s in cache["sections"]
    }
    assert "c:train.py:8:layer:Conv2D" in sources["Model Architecture"]
    assert "c:train.py:15:early_stopping:EarlyStopping" in sources["Training Pipeline"]


def test_an_image_generator_is_input_preparation_not_a_compared_model(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, XRAY_CNN)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is Sequential (train.py, line 7) [")
    assert "ImageDataGenerator" not in production and "compared" not in production
    assert [line for line in lines if "ImageDataGenerator" in line and line.startswith("Features:")]
    assert not [line for line in lines if "Sequential" in line and "library's defaults" in line]


CONFIG_NET = {
    "model.py": """
        import torch
        from torch import nn


        class Block(nn.Module):
            def __init__(self, config):
                super().__init__()
                self.up = nn.Linear(config.n_embd, 4 * config.n_embd)
                self.drop = nn.Dropout(config.dropout)
                self.head = nn.Sequential(nn.Linear(config.n_embd, 2), nn.ReLU())

            def forward(self, x):
                return self.drop(self.up(x))


        if __name__ == "__main__":
            net = Block(torch.load("config.pt"))
            opt = torch.optim.AdamW(net.parameters(), lr=3e-4)
            torch.save(net.state_dict(), "block.pt")
    """,
}


def test_layer_sizes_read_from_a_config_object_are_said_as_written(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nanoGPT's ``nn.Linear(config.n_embd, 4 * config.n_embd)`` read "Linear(config)": one argument,
    named after the object it was read from."""
    lines = document(tmp_path, monkeypatch, CONFIG_NET)
    text = "\n".join(lines)
    assert (
        "Linear(config.n_embd, 4 * config.n_embd), Dropout(config.dropout), Sequential(Linear, ReLU)" in text
    ), text
