"""BiSeNet converter on a randomly initialised network of the real 19-class checkpoint layout."""
import pytest
import torch

import converter_args
from stitchmodels.arch.bisenet import CLASSES, FACE_CLASSES, IMAGENET_MEAN, IMAGENET_STD, BiSeNet
from stitchmodels.converters import bisenet as converter
from stitchmodels.converters.checkpoints import CheckpointMismatch

torch.set_num_threads(1)


def _real_checkpoint(path):
    torch.manual_seed(0)
    net = BiSeNet(CLASSES).eval()
    # Non-trivial BatchNorm statistics, so a converter that dropped buffers would be caught.
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    torch.save(net.state_dict(), path)
    return net


def test_state_dict_matches_reference_layout():
    state = BiSeNet(CLASSES).state_dict()
    assert state["cp.resnet.conv1.weight"].shape == (64, 3, 7, 7)
    assert state["cp.resnet.layer4.1.conv2.weight"].shape == (512, 512, 3, 3)
    assert state["cp.resnet.layer2.0.downsample.0.weight"].shape == (128, 64, 1, 1)
    assert state["cp.arm16.conv.conv.weight"].shape == (128, 256, 3, 3)
    assert state["cp.arm32.conv_atten.weight"].shape == (128, 128, 1, 1)
    assert state["cp.conv_avg.conv.weight"].shape == (128, 512, 1, 1)
    assert state["ffm.convblk.conv.weight"].shape == (256, 256, 1, 1)
    assert state["ffm.conv1.weight"].shape == (64, 256, 1, 1)
    assert state["conv_out.conv_out.weight"].shape == (19, 256, 1, 1)
    assert state["conv_out16.conv_out.weight"].shape == (19, 64, 1, 1)
    assert "cp.resnet.layer1.0.downsample.0.weight" not in state


def test_convert_roundtrip_matches_eager_network(tmp_path):
    ckpt, out = tmp_path / "79999_iter.pth", tmp_path / "segmenter.pt"
    net = _real_checkpoint(ckpt)
    entry = converter.convert(converter_args.parse(converter, [ckpt, out]))

    assert entry == {"input_resolution": 512, "classes": 19, "face_classes": FACE_CLASSES}
    assert 0 not in entry["face_classes"] and 16 not in entry["face_classes"] and 18 not in entry["face_classes"]
    scripted = torch.jit.load(str(out))
    x = torch.rand(2, 3, 128, 128) * 2 - 1
    with torch.no_grad():
        logits = scripted(x)
        mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
        expected = net(((x + 1) / 2 - mean) / std)
    assert logits.shape == (2, 19, 128, 128)
    assert torch.allclose(logits, expected, atol=1e-4)


def test_convert_refuses_checkpoint_of_other_width(tmp_path):
    ckpt = tmp_path / "narrow.pth"
    torch.save(BiSeNet(CLASSES, base=16).state_dict(), ckpt)
    with pytest.raises(CheckpointMismatch, match="narrow.pth"):
        converter.convert(converter_args.parse(converter, [ckpt, tmp_path / "out.pt"]))
    assert not (tmp_path / "out.pt").exists()


def test_demo_width_exports_and_keeps_input_size():
    net = BiSeNet(CLASSES, base=16, stem_pool=False).eval()
    scripted = torch.jit.script(net)
    assert scripted(torch.zeros(1, 3, 128, 96)).shape == (1, 19, 128, 96)


def test_demo_segmenter_finds_the_face_mask():
    """The shipped demo segmenter on fresh renders: face-mask IoU well above the 0.90 target on average."""
    import os

    import numpy as np

    from stitchmodels import manifest
    from stitchmodels.align import aligned_crop
    from stitchmodels.render import render, sample_identity, sample_state

    path = os.path.join(os.path.dirname(__file__), "..", "manifest.json")
    entry = manifest.load(path)["models"]["segmenter"]
    manifest.verify(path, "models", "segmenter")
    model = torch.jit.load(manifest.resolve(path, entry))
    size, face = entry["input_resolution"], torch.tensor(entry["face_classes"])
    rng = np.random.default_rng(2024)
    ious = []
    for k in range(6):
        out = render(sample_identity(rng), sample_state(rng, 256), 256, 500 + k)
        crop = aligned_crop(out.image, out.landmarks, size)
        labels = aligned_crop(out.segmentation, out.landmarks, size, mode="nearest")
        with torch.no_grad():
            logits = model(torch.from_numpy(crop).permute(2, 0, 1)[None].float() / 127.5 - 1)
        predicted = torch.isin(logits.argmax(1)[0], face)
        truth = torch.isin(torch.from_numpy(labels).long(), face)
        ious.append(float((predicted & truth).sum()) / float((predicted | truth).sum()))
    assert logits.shape == (1, 19, size, size)
    assert np.mean(ious) >= 0.9, ious
