"""The perception models' rendered data set."""
import torch

from stitchmodels.train.perception import PerceptionConfig, train_attributes
from stitchmodels.train.perception_data import render_set

torch.set_num_threads(1)


def test_a_set_without_frames_still_counts_and_batches_its_crops():
    # --only attributes (or identity, segmenter, perceptual) renders without the whole frames.
    data = render_set(seed=5, identities=2, frames_per_identity=3, empty_frames=1, keep_frames=False)
    assert data.frames.shape[0] == 0
    assert len(data) == 6 == len(data.crops) == len(data.attributes)

    config = PerceptionConfig(batch=2, attribute_steps=2)
    torch.manual_seed(0)
    model, _ = train_attributes(data, config, seed=0, log=lambda _: None)
    torch.manual_seed(0)
    fresh = type(model)(2)
    # Two steps on real batches move the weights from their initial values (an empty batch would not).
    assert any(not torch.equal(a, b) for a, b in zip(model.state_dict().values(), fresh.state_dict().values()))
    assert all(bool(torch.isfinite(v).all()) for v in model.state_dict().values())
