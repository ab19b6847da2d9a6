"""The procedural renderer: determinism, ground truth that agrees with the pixels, visible
attribute edits, and smooth video motion."""
import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from stitchmodels.render import FaceState, render, render_video, sample_identity, sample_state
from stitchmodels.render.video import SpeechTrack, speech_seed, video_states

SIZE = 256
SKIN, L_BROW, R_BROW, L_EYE, R_EYE, NOSE, U_LIP, L_LIP, HAIR = 1, 2, 3, 4, 5, 10, 12, 13, 17
FACE_CLASSES = {1, 2, 3, 4, 5, 6, 10, 11, 12, 13}


def _random_faces(count, seed):
    rng = np.random.default_rng(seed)
    for k in range(count):
        ident = sample_identity(rng)
        state = dataclasses.replace(sample_state(rng, SIZE), blink=0.0)
        yield ident, state, render(ident, state, SIZE, background_seed=k)


def _labels_near(seg, point, radius):
    x, y = int(round(point[0])), int(round(point[1]))
    return set(np.unique(seg[max(y - radius, 0):y + radius + 1, max(x - radius, 0):x + radius + 1]).tolist())


def _eroded(mask, radius):
    """Pixels whose whole (2r+1)^2 neighbourhood is in the mask (away from anti-aliased edges)."""
    padded = np.pad(mask, radius)
    out = np.ones_like(mask)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            out &= padded[dy:dy + mask.shape[0], dx:dx + mask.shape[1]]
    return out


def _neutral(**changes):
    return dataclasses.replace(FaceState(cx=128.0, cy=120.0, scale=50.0, roll=0.08, yaw=0.1), **changes)


def test_render_returns_contract_shapes_and_dtypes():
    rng = np.random.default_rng(1)
    out = render(sample_identity(rng), sample_state(rng, 200), 200, background_seed=3)
    assert out.image.shape == (200, 200, 3) and out.image.dtype == np.uint8
    assert out.landmarks.shape == (68, 2) and out.landmarks.dtype == np.float32
    assert out.segmentation.shape == (200, 200) and out.segmentation.dtype == np.uint8
    assert out.segmentation.max() < 19
    assert {"smile", "age", "mouth_open", "blink"} <= set(out.attributes)
    assert all(0.0 <= out.attributes[k] <= 1.0 for k in ("smile", "age", "mouth_open", "blink"))


def test_render_same_inputs_give_identical_frames():
    def frame(background_seed):
        ident = sample_identity(np.random.default_rng(5))
        return render(ident, sample_state(np.random.default_rng(6), SIZE), SIZE, background_seed)
    first, second, other_background = frame(7), frame(7), frame(8)
    assert np.array_equal(first.image, second.image)
    assert np.array_equal(first.segmentation, second.segmentation)
    assert np.array_equal(first.landmarks, second.landmarks)
    assert not np.array_equal(first.image, other_background.image)
    assert np.array_equal(first.landmarks, other_background.landmarks)


def test_landmarks_lie_on_the_parts_the_segmentation_labels():
    for ident, state, out in _random_faces(12, seed=11):
        lm, seg = out.landmarks, out.segmentation
        assert np.all((lm >= 0) & (lm < SIZE)), "sampled states keep the face inside the frame"
        assert seg[tuple(np.round(lm[36:42].mean(0)[::-1]).astype(int))] == L_EYE
        assert seg[tuple(np.round(lm[42:48].mean(0)[::-1]).astype(int))] == R_EYE
        assert seg[tuple(np.round(lm[30][::-1]).astype(int))] == NOSE
        for corner in (48, 54):
            assert _labels_near(seg, lm[corner], 2) & {U_LIP, L_LIP}, f"mouth corner {corner} is off the lips"
        for k in range(17, 27):
            assert _labels_near(seg, lm[k], 2) & {L_BROW, R_BROW}, f"brow point {k} is off the brows"
        for k in range(17):  # the jaw contour is the face outline: face inside, something else outside
            near = _labels_near(seg, lm[k], 2)
            assert near & FACE_CLASSES and near - FACE_CLASSES, f"jaw point {k} is not on the outline"
        # left/right order of the iBUG layout holds for these small rolls
        assert lm[36, 0] < lm[39, 0] < lm[42, 0] < lm[45, 0]
        assert lm[48, 0] < lm[54, 0]


def test_smile_changes_the_mouth_and_leaves_hair_and_background_alone():
    ident = sample_identity(np.random.default_rng(21))
    neutral = render(ident, _neutral(smile=0.0, age=0.2), SIZE, 4)
    smiling = render(ident, _neutral(smile=1.0, age=0.2), SIZE, 4)
    diff = np.abs(smiling.image.astype(int) - neutral.image.astype(int)).sum(axis=2)
    x0, y0 = neutral.landmarks[48:68].min(0).astype(int) - 3
    x1, y1 = neutral.landmarks[48:68].max(0).astype(int) + 4
    assert diff[y0:y1, x0:x1].mean() > 25.0
    same_hair = _eroded((neutral.segmentation == HAIR) & (smiling.segmentation == HAIR), 2)
    assert same_hair.sum() > 500 and diff[same_hair].max() == 0
    background = _eroded((neutral.segmentation == 0) & (smiling.segmentation == 0), 2)
    assert diff[background].max() == 0
    # corners rise relative to the middle of the lips, and teeth (bright pixels) appear
    def lift(lm):
        return lm[[51, 57], 1].mean() - lm[[48, 54], 1].mean()
    assert lift(smiling.landmarks) - lift(neutral.landmarks) > 3.0
    mouth = (smiling.segmentation == 11)
    assert mouth.sum() > 20 and smiling.image[mouth].mean() > 120.0


def test_age_greys_the_hair_and_lines_the_forehead():
    ident = dataclasses.replace(sample_identity(np.random.default_rng(3)), hair_colour=(0.3, 0.18, 0.1),
                                hairline=-0.85, hair_style="short")
    young = render(ident, _neutral(age=0.0), SIZE, 4)
    old = render(ident, _neutral(age=1.0), SIZE, 4)
    hair = (young.segmentation == HAIR) & (old.segmentation == HAIR)

    def saturation(px):
        px = px.astype(float)
        return (px.max(1) - px.min(1)).mean()
    assert old.image[hair].mean() - young.image[hair].mean() > 60.0
    assert saturation(old.image[hair]) < 0.5 * saturation(young.image[hair])
    # forehead: skin between the brows and the hairline, darkened by horizontal lines
    brow_top = int(young.landmarks[17:27, 1].min()) - 4
    forehead = (young.segmentation == SKIN) & (old.segmentation == SKIN)
    forehead[brow_top:] = False
    assert forehead.sum() > 100
    darker = young.image[forehead].astype(int).sum(1) - old.image[forehead].astype(int).sum(1)
    assert (darker > 30).mean() > 0.05
    assert old.attributes["age"] == 1.0 and young.attributes["age"] == 0.0


def test_long_hair_crosses_the_aligned_crop_border():
    ident = dataclasses.replace(sample_identity(np.random.default_rng(8)), hair_style="long", hair_length=3.4)
    out = render(ident, _neutral(scale=40.0), SIZE, 2)
    lm = out.landmarks.astype(float)
    # FFHQ crop quad (STIT-NOTES "Alignment")
    eye_l, eye_r = lm[36:42].mean(0), lm[42:48].mean(0)
    eye_avg, e2e = (eye_l + eye_r) / 2, eye_r - eye_l
    e2m = (lm[48] + lm[54]) / 2 - eye_avg
    x = e2e - np.array([-e2m[1], e2m[0]])
    x = x / np.linalg.norm(x) * max(2.0 * np.linalg.norm(e2e), 1.8 * np.linalg.norm(e2m))
    y = np.array([-x[1], x[0]])
    centre = eye_avg + 0.1 * e2m
    bottom_edge = [centre + y + t * x for t in np.linspace(-1, 1, 41)]
    on_edge = [out.segmentation[int(round(p[1])), int(round(p[0]))] == HAIR for p in bottom_edge]
    assert any(on_edge)
    below = centre + 1.3 * y + 0.9 * x  # outside the crop, beside the shoulder
    assert _labels_near(out.segmentation, below, 3) & {HAIR}


def test_calm_video_moves_smoothly_and_fast_video_moves_more():
    ident = sample_identity(np.random.default_rng(4))
    rigid = [27, 30, 36, 39, 42, 45]

    def steps(motion):
        states = video_states(75, SIZE, 25.0, motion, seed=9)
        lms = np.stack([render(ident, s, SIZE, 9).landmarks[rigid] for s in states])
        return np.linalg.norm(np.diff(lms, axis=0), axis=2), states
    calm, calm_states = steps("calm")
    fast, _ = steps("fast")
    assert calm.max() < 1.5
    assert fast.mean() > 3.0 * calm.mean()
    assert fast.max() < 12.0
    mouth = np.array([s.mouth_open for s in calm_states])
    blink = np.array([s.blink for s in calm_states])
    assert mouth.std() > 0.15 and (mouth < 0.05).mean() > 0.1, "talking opens and closes the mouth"
    assert blink.max() > 0.9 and (blink < 0.05).mean() > 0.7, "blinks are brief and present"


def test_render_video_matches_its_states_and_the_speech_envelope():
    ident = sample_identity(np.random.default_rng(12))
    frames = render_video(ident, 6, 96, 25.0, "fast", seed=3)
    states = video_states(6, 96, 25.0, "fast", seed=3)
    assert len(frames) == 6
    assert np.array_equal(frames[4].image, render(ident, states[4], 96, 3).image)
    envelope = SpeechTrack(speech_seed(3), 2.0).envelope(np.arange(6) / 25.0)
    assert np.allclose([f.attributes["mouth_open"] for f in frames], envelope)


@pytest.mark.parametrize("change, name", [
    (dict(smile=1.5), "smile"), (dict(blink=-0.1), "blink"), (dict(scale=0.0), "scale"), (dict(age=2.0), "age"),
])
def test_render_rejects_out_of_range_state(change, name):
    ident = sample_identity(np.random.default_rng(0))
    with pytest.raises(ValueError, match=name):
        render(ident, _neutral(**change), SIZE, 0)


def test_render_rejects_bad_size_and_motion():
    ident = sample_identity(np.random.default_rng(0))
    with pytest.raises(ValueError, match="size"):
        render(ident, _neutral(), 8, 0)
    with pytest.raises(ValueError, match="motion"):
        render_video(ident, 3, 64, 25.0, "wild", 0)


def test_make_samples_writes_videos_with_speech_audio_and_ground_truth(tmp_path):
    script = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "make_samples.py")
    subprocess.run([sys.executable, script, "--seed", "4", "--frames", "25", "--size", "96", "--fps", "25",
                    "--out", str(tmp_path)], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{ext}" for n in ("calm", "fast", "longhair") for ext in ("mp4", "landmarks.npy", "attributes.json"))
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(tmp_path / "calm.mp4")],
        check=True, capture_output=True, text=True).stdout)["streams"]
    video = next(s for s in probe if s["codec_type"] == "video")
    assert (video["codec_name"], video["pix_fmt"], video["width"], video["r_frame_rate"]) == ("h264", "yuv420p", 96, "25/1")
    assert int(video["nb_read_frames"]) == 25
    assert any(s["codec_type"] == "audio" and s["codec_name"] == "aac" for s in probe)
    landmarks = np.load(tmp_path / "calm.landmarks.npy")
    assert landmarks.shape == (25, 68, 2) and landmarks.dtype == np.float32
    # the voice is loud where the mouth is open: per-frame audio RMS follows mouth_open
    pcm = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(tmp_path / "calm.mp4"), "-f", "s16le",
                          "-ac", "1", "-ar", "8000", "-"], check=True, capture_output=True).stdout
    audio = np.frombuffer(pcm, np.int16).astype(float)[:25 * 320].reshape(25, 320)
    rms = np.sqrt((audio ** 2).mean(axis=1))
    mouth = json.loads((tmp_path / "calm.attributes.json").read_text())["mouth_open"]
    assert np.corrcoef(rms, mouth)[0, 1] > 0.6
