"""Renders the sample talking-head videos (H.264 + AAC speech-like audio) and their landmarks.

    /usr/bin/python3 samples/make_samples.py [--seed 0] [--frames 48] [--size 256] [--fps 25] [--out samples]

Writes <out>/{calm,fast,longhair}.mp4, <out>/<name>.landmarks.npy (float32 [frames,68,2],
iBUG-68 pixel coordinates, pixel centres at integers) and <out>/<name>.attributes.json (per-frame
renderer attributes: smile, age, mouth_open, blink, yaw, roll, ...).  Everything follows from --seed.
Each file is written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from stitchmodels.render import render, sample_identity  # noqa: E402
from stitchmodels.render.video import SpeechTrack, speech_seed, video_states  # noqa: E402

AUDIO_RATE = 22050
# (F1, F2) formant pairs of a few vowels, Hz: each syllable gets one, so the voice sounds like talk
VOWELS = np.array([[730, 1090], [270, 2290], [530, 1840], [570, 840], [300, 870], [660, 1720]], np.float64)


def sample_specs(seed: int):
    """(name, identity, motion, video seed) of the three samples."""
    rng = np.random.default_rng(seed)
    calm = dataclasses.replace(sample_identity(rng), hair_style="short", glasses=False)
    fast = dataclasses.replace(sample_identity(rng), hair_style="bob")
    long = dataclasses.replace(sample_identity(rng), hair_style="long", hair_length=3.6, age=0.25)
    return [("calm", calm, "calm", seed * 3 + 1), ("fast", fast, "fast", seed * 3 + 2),
            ("longhair", long, "calm", seed * 3 + 3)]


def speech_audio(video_seed: int, duration: float, rng: np.random.Generator) -> np.ndarray:
    """A voiced, vowel-like signal whose loudness follows the envelope that opens the mouth."""
    track = SpeechTrack(speech_seed(video_seed), duration + 1.0)
    t = np.arange(int(round(duration * AUDIO_RATE))) / AUDIO_RATE
    envelope = track.envelope(t)
    f0 = rng.uniform(105.0, 210.0) * (1.0 + 0.08 * np.sin(2 * np.pi * 0.7 * t) + 0.04 * np.sin(2 * np.pi * 2.3 * t))
    phase = 2 * np.pi * np.cumsum(f0) / AUDIO_RATE
    syllable = np.clip(np.searchsorted(track.syllables[:, 0], t) - 1, 0, None)
    formants = VOWELS[rng.integers(len(VOWELS), size=len(track.syllables))][syllable]
    voice = np.zeros_like(t)
    for k in range(1, 25):
        freq = k * f0
        weight = (np.exp(-((freq - formants[:, 0]) / 160.0) ** 2)
                  + 0.6 * np.exp(-((freq - formants[:, 1]) / 260.0) ** 2) + 0.03) / k ** 0.5
        voice += weight * np.sin(k * phase)
    onsets = np.diff(envelope, prepend=0.0).clip(0.0, None) * AUDIO_RATE / 40.0  # consonant-like hiss
    voice = voice / np.abs(voice).max() * envelope + 0.15 * np.clip(onsets, 0.0, 1.0) * rng.normal(0.0, 1.0, len(t))
    return (np.clip(voice * 0.6, -1.0, 1.0) * 32767).astype(np.int16)


def write_wav(path: str, samples: np.ndarray) -> None:
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(AUDIO_RATE)
        out.writeframes(samples.tobytes())


def encode(frames, wav_path: str, size: int, fps: float, out_path: str) -> None:
    command = ["ffmpeg", "-y", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size}x{size}", "-r", str(fps), "-i", "pipe:0",
               "-i", wav_path, "-map", "0:v", "-map", "1:a",
               "-c:v", "libx264", "-preset", "slow", "-crf", "18", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4", out_path]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame in frames:
            proc.stdin.write(frame.tobytes())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed to encode {out_path}: {err[-2000:]}")


def make_sample(name, ident, motion, video_seed, args, workdir) -> None:
    states = video_states(args.frames, args.size, args.fps, motion, video_seed)
    outputs = [render(ident, state, args.size, background_seed=video_seed) for state in states]
    wav = os.path.join(workdir, f"{name}.wav")
    write_wav(wav, speech_audio(video_seed, args.frames / args.fps, np.random.default_rng(video_seed)))
    video_tmp = os.path.join(workdir, f"{name}.mp4")
    encode((o.image for o in outputs), wav, args.size, args.fps, video_tmp)
    landmarks_tmp = os.path.join(workdir, f"{name}.landmarks.npy")
    np.save(landmarks_tmp, np.stack([o.landmarks for o in outputs]).astype(np.float32))
    attributes_tmp = os.path.join(workdir, f"{name}.attributes.json")
    with open(attributes_tmp, "w") as f:
        json.dump({key: [o.attributes[key] for o in outputs] for key in outputs[0].attributes}, f)
    # rename into place only once every file is complete
    shutil.move(attributes_tmp, os.path.join(args.out, f"{name}.attributes.json"))
    shutil.move(landmarks_tmp, os.path.join(args.out, f"{name}.landmarks.npy"))
    shutil.move(video_tmp, os.path.join(args.out, f"{name}.mp4"))
    print(describe(name, motion, ident, outputs, args))


def describe(name, motion, ident, outputs, args) -> str:
    """One line of figures about a sample: how much the head moves, talks and blinks."""
    rigid = np.stack([o.landmarks[[27, 30, 36, 39, 42, 45]] for o in outputs])
    step = np.linalg.norm(np.diff(rigid, axis=0), axis=2) if len(outputs) > 1 else np.zeros(1)
    mouth = np.array([o.attributes["mouth_open"] for o in outputs])
    blink = np.array([o.attributes["blink"] for o in outputs])
    return (f"{name}: {len(outputs)} frames {args.size}x{args.size} @ {args.fps:g} fps, motion={motion}, "
            f"hair={ident.hair_style}; rigid landmark step mean {step.mean():.2f} px, max {step.max():.2f} px; "
            f"mouth_open {mouth.min():.2f}..{mouth.max():.2f}; frames with eyes >50% closed: {(blink > 0.5).sum()}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args(argv)
    if args.frames < 1:
        parser.error(f"--frames must be >= 1, got {args.frames}")
    if args.size < 64 or args.size % 2:
        parser.error(f"--size must be an even number >= 64 (yuv420p), got {args.size}")
    if not args.fps > 0:
        parser.error(f"--fps must be > 0, got {args.fps}")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("ffmpeg") is None:
        sys.exit("make_samples: ffmpeg is not on PATH (apt-get install ffmpeg)")
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out, prefix=".make_samples-") as workdir:
        for name, ident, motion, video_seed in sample_specs(args.seed):
            make_sample(name, ident, motion, video_seed, args, workdir)


if __name__ == "__main__":
    main()
