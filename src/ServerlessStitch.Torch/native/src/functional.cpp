// torch.nn.functional: resampling, warping, convolution, pooling, padding and losses.
#include <vector>

#include "guard.h"
#include "ops.h"

using sst::guarded;
using sst::unwrap;
using sst::wrap;
namespace F = torch::nn::functional;

namespace {

// Two-element parameters (stride, padding, ...) arrive as pointers to two int64 values.
at::IntArrayRef pair(const int64_t* values) {
  if (values == nullptr) throw std::invalid_argument("missing two-element parameter");
  return at::IntArrayRef(values, 2);
}

F::InterpolateFuncOptions::mode_t interpolate_mode(int mode) {
  switch (static_cast<sst::InterpolateMode>(mode)) {
    case sst::InterpolateMode::Nearest: return torch::kNearest;
    case sst::InterpolateMode::Bilinear: return torch::kBilinear;
    case sst::InterpolateMode::Bicubic: return torch::kBicubic;
    case sst::InterpolateMode::Area: return torch::kArea;
  }
  throw std::invalid_argument("unknown interpolation mode " + std::to_string(mode));
}

F::PadFuncOptions::mode_t pad_mode(int mode) {
  switch (static_cast<sst::PadMode>(mode)) {
    case sst::PadMode::Constant: return torch::kConstant;
    case sst::PadMode::Reflect: return torch::kReflect;
    case sst::PadMode::Replicate: return torch::kReplicate;
    case sst::PadMode::Circular: return torch::kCircular;
  }
  throw std::invalid_argument("unknown padding mode " + std::to_string(mode));
}

}  // namespace

extern "C" {

sst_tensor sst_interpolate(sst_tensor input, const int64_t* size, int nsize, const double* scale, int nscale, int mode,
                           int align_corners, int antialias) {
  return guarded<sst_tensor>(nullptr, [&] {
    auto options = F::InterpolateFuncOptions().mode(interpolate_mode(mode)).antialias(antialias != 0);
    if (nsize > 0) options.size(std::vector<int64_t>(size, size + nsize));
    if (nscale > 0) options.scale_factor(std::vector<double>(scale, scale + nscale));
    // -1: unset, as in PyTorch, where nearest and area refuse an explicit align_corners
    if (align_corners >= 0) options.align_corners(align_corners != 0);
    return wrap(F::interpolate(unwrap(input), options));
  });
}

sst_tensor sst_affine_grid(sst_tensor theta, const int64_t* size, int nsize, int align_corners) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(at::affine_grid_generator(unwrap(theta), sst::dims_of(size, nsize), align_corners != 0));
  });
}

sst_tensor sst_grid_sample(sst_tensor input, sst_tensor grid, int mode, int padding_mode, int align_corners) {
  return guarded<sst_tensor>(nullptr, [&] {
    if (mode < 0 || mode > static_cast<int>(sst::GridSampleMode::Bicubic))
      throw std::invalid_argument("unknown grid_sample mode " + std::to_string(mode));
    if (padding_mode < 0 || padding_mode > static_cast<int>(sst::PaddingMode::Reflection))
      throw std::invalid_argument("unknown grid_sample padding mode " + std::to_string(padding_mode));
    // at::grid_sampler takes the same integer codes as sst::GridSampleMode and sst::PaddingMode.
    return wrap(at::grid_sampler(unwrap(input), unwrap(grid), mode, padding_mode, align_corners != 0));
  });
}

sst_tensor sst_conv2d(sst_tensor input, sst_tensor weight, sst_tensor bias, const int64_t* stride,
                      const int64_t* padding, const int64_t* dilation, int64_t groups) {
  return guarded<sst_tensor>(nullptr, [&] {
    const c10::optional<at::Tensor> b = bias == nullptr ? c10::nullopt : c10::optional<at::Tensor>(unwrap(bias));
    return wrap(at::conv2d(unwrap(input), unwrap(weight), b, pair(stride), pair(padding), pair(dilation), groups));
  });
}

sst_tensor sst_max_pool2d(sst_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                          const int64_t* dilation, int ceil_mode) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(at::max_pool2d(unwrap(input), pair(kernel), pair(stride), pair(padding), pair(dilation),
                               ceil_mode != 0));
  });
}

sst_tensor sst_avg_pool2d(sst_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                          int ceil_mode, int count_include_pad) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(at::avg_pool2d(unwrap(input), pair(kernel), pair(stride), pair(padding), ceil_mode != 0,
                               count_include_pad != 0));
  });
}

sst_tensor sst_pad(sst_tensor input, const int64_t* pads, int npads, int mode, double value) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto list = sst::dims_of(pads, npads);
    auto options = F::PadFuncOptions(std::vector<int64_t>(list.begin(), list.end())).mode(pad_mode(mode)).value(value);
    return wrap(F::pad(unwrap(input), options));
  });
}

sst_tensor sst_loss(sst_tensor input, sst_tensor target, int kind, int reduction) {
  return guarded<sst_tensor>(nullptr, [&] {
    if (reduction < 0 || reduction > static_cast<int>(sst::Reduction::Sum))
      throw std::invalid_argument("unknown loss reduction " + std::to_string(reduction));
    // at::Reduction uses the same codes as sst::Reduction (none, mean, sum).
    switch (static_cast<sst::Loss>(kind)) {
      case sst::Loss::Mse: return wrap(at::mse_loss(unwrap(input), unwrap(target), reduction));
      case sst::Loss::L1: return wrap(at::l1_loss(unwrap(input), unwrap(target), reduction));
    }
    throw std::invalid_argument("unknown loss kind " + std::to_string(kind));
  });
}

}  // extern "C"
