"""Procedural talking-head renderer with exact ground truth (landmarks, segmentation, attributes)."""
from .compose import RenderOutput, render
from .identity import HAIR_STYLES, FaceState, Identity, sample_identity, sample_state
from .video import render_video

__all__ = ["HAIR_STYLES", "FaceState", "Identity", "RenderOutput", "render", "render_video",
           "sample_identity", "sample_state"]
