"""The demo landmark model: box geometry, the whole-frame contract, and the trained file's accuracy."""
import os

import numpy as np
import pytest
import torch

from stitchmodels import manifest
from stitchmodels.arch.landmarks import BOX_DROP, BOX_SCALE, LandmarkDetector, crop_box, face_box
from stitchmodels.render import render, sample_identity, sample_state
from stitchmodels.render.background import make_background

torch.set_num_threads(1)
MANIFEST = os.path.join(os.path.dirname(__file__), "..", "manifest.json")


def _points_with(eye_left, eye_right, mouth_left, mouth_right):
    points = torch.zeros(1, 68, 2)
    points[0, 36:42] = torch.tensor(eye_left, dtype=torch.float32)
    points[0, 42:48] = torch.tensor(eye_right, dtype=torch.float32)
    points[0, 48] = torch.tensor(mouth_left, dtype=torch.float32)
    points[0, 54] = torch.tensor(mouth_right, dtype=torch.float32)
    return points


def test_face_box_follows_ffhq_rule_for_upright_face():
    # Eyes 40 px apart at y=100, mouth 50 px below their midpoint (e2m = 50 > e2e = 40).
    points = _points_with((80, 100), (120, 100), (90, 150), (110, 150))
    centre, x_axis, y_axis = face_box(points, 1.0, 0.0)
    half = max(2.0 * 40, 1.8 * 50)
    assert torch.allclose(centre, torch.tensor([[100.0, 105.0]]))  # eye midpoint + 0.1 * e2m
    assert torch.allclose(x_axis, torch.tensor([[half, 0.0]]))
    assert torch.allclose(y_axis, torch.tensor([[0.0, half]]))
    moved, x_scaled, _ = face_box(points, BOX_SCALE, BOX_DROP)
    assert torch.allclose(x_scaled, torch.tensor([[half * BOX_SCALE, 0.0]]))
    assert torch.allclose(moved, torch.tensor([[100.0, 105.0 + BOX_DROP * half * BOX_SCALE]]))


def test_face_box_turns_with_the_head():
    # The same face rolled 90 degrees clockwise: eyes stacked vertically, mouth to the left.
    points = _points_with((100, 80), (100, 120), (50, 110), (50, 90))
    _, x_axis, y_axis = face_box(points, 1.0, 0.0)
    assert torch.allclose(x_axis / x_axis.norm(), torch.tensor([[0.0, 1.0]]), atol=1e-6)
    assert torch.allclose(y_axis / y_axis.norm(), torch.tensor([[-1.0, 0.0]]), atol=1e-6)


def test_crop_box_of_whole_frame_is_the_frame():
    frame = torch.rand(1, 3, 40, 40)
    crop = crop_box(frame, torch.tensor([[19.5, 19.5]]), torch.tensor([[20.0, 0.0]]), torch.tensor([[0.0, 20.0]]), 40)
    assert torch.allclose(crop, frame, atol=1e-5)


def test_crop_box_centres_the_box_and_pads_with_black():
    frame = torch.zeros(1, 3, 64, 96)
    frame[:, :, 10, 70] = 1.0  # one bright pixel at x=70, y=10
    crop = crop_box(frame, torch.tensor([[70.0, 10.0]]), torch.tensor([[4.5, 0.0]]), torch.tensor([[0.0, 4.5]]), 9)
    assert crop[0, 0, 4, 4] == pytest.approx(1.0)
    assert crop[0, 0].sum() == pytest.approx(1.0)
    corner = crop_box(frame, torch.tensor([[0.0, 0.0]]), torch.tensor([[4.5, 0.0]]), torch.tensor([[0.0, 4.5]]), 9)
    assert torch.all(corner[0, :, :4, :4] == 0)  # outside the frame


def test_scripted_detector_honours_contract_on_any_frame_size():
    model = torch.jit.script(LandmarkDetector().eval())
    for h, w in ((256, 256), (180, 320), (97, 61)):
        out = model(torch.rand(1, 3, h, w))
        assert out.shape == (68, 3)
        assert torch.all((out[:, 2] >= 0) & (out[:, 2] <= 1))
        assert torch.all(out[:, 2] == out[0, 2])


@pytest.fixture(scope="module")
def demo_model():
    entry = manifest.load(MANIFEST)["models"]["landmarks"]
    manifest.verify(MANIFEST, "models", "landmarks")
    return torch.jit.load(manifest.resolve(MANIFEST, entry)), entry


def _frames(count, seed, size=256):
    rng = np.random.default_rng(seed)
    for k in range(count):
        out = render(sample_identity(rng), sample_state(rng, size), size, 900 + k)
        yield torch.from_numpy(out.image).permute(2, 0, 1)[None].float() / 255.0, torch.from_numpy(out.landmarks)


def test_demo_model_finds_points_within_two_pixels(demo_model):
    model, entry = demo_model
    errors = []
    with torch.no_grad():
        for frame, truth in _frames(8, seed=4242):
            out = model(frame)
            assert out[:, 2].min() >= entry["min_score"]
            errors.append(float((out[:, :2] - truth).norm(dim=1).mean()))
    assert np.mean(errors) <= 2.0, errors


def test_demo_model_scores_empty_frame_below_min_score(demo_model):
    model, entry = demo_model
    background = np.asarray(make_background(77, 256), dtype=np.float32)
    frame = torch.from_numpy(background).permute(2, 0, 1)[None].clamp(0, 1)
    with torch.no_grad():
        assert model(frame)[:, 2].max() < entry["min_score"]


def test_demo_model_points_follow_the_face_in_a_wider_frame(demo_model):
    model, _ = demo_model
    frame, truth = next(_frames(1, seed=99))
    wide = torch.zeros(1, 3, 256, 352)
    wide[:, :, :, 60:316] = frame  # the same face 60 px to the right, in a 352x256 frame
    with torch.no_grad():
        shifted = model(wide)[:, :2] - torch.tensor([60.0, 0.0])
    assert float((shifted - truth).norm(dim=1).mean()) <= 3.0
