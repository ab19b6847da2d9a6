// Tensor lifetime, creation from and copy to caller memory, properties and autograd entry points.
#include <cstring>

#include "guard.h"
#include "ops.h"

using sst::guarded;
using sst::unwrap;
using sst::wrap;

namespace {

at::TensorOptions options_of(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(sst::scalar_type_of(dtype)).device(sst::device_of(device_type, device_index));
}

int64_t byte_size(at::IntArrayRef shape, at::ScalarType dtype) {
  int64_t count = 1;
  for (const auto extent : shape) {
    if (extent < 0) throw std::invalid_argument("shape has a negative extent");
    count *= extent;
  }
  return count * static_cast<int64_t>(c10::elementSize(dtype));
}

}  // namespace

extern "C" {

void sst_tensor_free(sst_tensor tensor) {
  guarded(0, [&] {
    if (tensor == nullptr) return 0;
    delete reinterpret_cast<at::Tensor*>(tensor);
    sst::live_tensors.fetch_sub(1, std::memory_order_relaxed);
    return 0;
  });
}

sst_tensor sst_tensor_from_data(const void* data, int64_t byte_count, const int64_t* shape, int ndim, int dtype,
                                int device_type, int device_index, int requires_grad) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto dims = sst::dims_of(shape, ndim);
    const auto type = sst::scalar_type_of(dtype);
    const auto expected = byte_size(dims, type);
    if (expected != byte_count)
      throw std::invalid_argument("data holds " + std::to_string(byte_count) + " bytes but shape " +
                                  c10::str(dims) + " of " + c10::toString(type) + " needs " +
                                  std::to_string(expected));
    if (byte_count > 0 && data == nullptr) throw std::invalid_argument("null data pointer");
    auto tensor = at::empty(dims, at::TensorOptions().dtype(type));
    if (byte_count > 0) std::memcpy(tensor.data_ptr(), data, static_cast<size_t>(byte_count));
    tensor = tensor.to(sst::device_of(device_type, device_index));
    if (requires_grad != 0) tensor.requires_grad_(true);
    return wrap(std::move(tensor));
  });
}

int sst_tensor_copy_to(sst_tensor tensor, void* destination, int64_t byte_count, int dtype) {
  return guarded(SST_FAIL, [&] {
    const auto& source = unwrap(tensor);
    const auto type = sst::scalar_type_of(dtype);
    if (source.scalar_type() != type)
      throw std::invalid_argument(std::string("tensor is ") + c10::toString(source.scalar_type()) +
                                  ", not the requested " + c10::toString(type));
    const auto expected = source.numel() * static_cast<int64_t>(source.element_size());
    if (expected != byte_count)
      throw std::invalid_argument("tensor holds " + std::to_string(expected) + " bytes, destination has " +
                                  std::to_string(byte_count));
    if (byte_count == 0) return SST_OK;
    if (destination == nullptr) throw std::invalid_argument("null destination pointer");
    const auto host = source.detach().to(at::kCPU).contiguous();
    std::memcpy(destination, host.data_ptr(), static_cast<size_t>(byte_count));
    return SST_OK;
  });
}

sst_tensor sst_tensor_create(int kind, const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                             double value, int requires_grad) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto dims = sst::dims_of(shape, ndim);
    const auto options = options_of(dtype, device_type, device_index);
    at::Tensor tensor;
    switch (static_cast<sst::Create>(kind)) {
      case sst::Create::Zeros: tensor = at::zeros(dims, options); break;
      case sst::Create::Ones: tensor = at::ones(dims, options); break;
      case sst::Create::Full: tensor = at::full(dims, value, options); break;
      case sst::Create::Empty: tensor = at::empty(dims, options); break;
      default: throw std::invalid_argument("unknown creation kind " + std::to_string(kind));
    }
    // at:: factories ignore TensorOptions::requires_grad (only torch:: ones honour it), so set it on the result.
    if (requires_grad != 0) tensor.requires_grad_(true);
    return wrap(std::move(tensor));
  });
}

sst_tensor sst_tensor_random(int kind, const int64_t* shape, int ndim, int dtype, int device_type, int device_index,
                             sst_generator generator, int requires_grad) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto dims = sst::dims_of(shape, ndim);
    // Sampled on the CPU generator and then moved: the same seed gives the same numbers on every device.
    c10::optional<at::Generator> source;
    if (generator != nullptr) source = *reinterpret_cast<at::Generator*>(generator);
    const auto cpu = at::TensorOptions().dtype(sst::scalar_type_of(dtype));
    at::Tensor tensor;
    switch (static_cast<sst::Random>(kind)) {
      case sst::Random::Normal: tensor = at::randn(dims, source, cpu); break;
      case sst::Random::Uniform: tensor = at::rand(dims, source, cpu); break;
      default: throw std::invalid_argument("unknown random kind " + std::to_string(kind));
    }
    tensor = tensor.to(sst::device_of(device_type, device_index));
    if (requires_grad != 0) tensor.requires_grad_(true);
    return wrap(std::move(tensor));
  });
}

sst_tensor sst_tensor_arange(double start, double end, double step, int dtype, int device_type, int device_index) {
  return guarded<sst_tensor>(nullptr,
                             [&] { return wrap(at::arange(start, end, step, options_of(dtype, device_type, device_index))); });
}

sst_tensor sst_tensor_linspace(double start, double end, int64_t steps, int dtype, int device_type, int device_index) {
  return guarded<sst_tensor>(
      nullptr, [&] { return wrap(at::linspace(start, end, steps, options_of(dtype, device_type, device_index))); });
}

int sst_tensor_ndim(sst_tensor tensor) {
  return guarded(SST_FAIL, [&] { return static_cast<int>(unwrap(tensor).dim()); });
}

int sst_tensor_shape(sst_tensor tensor, int64_t* shape, int capacity) {
  return guarded(SST_FAIL, [&] {
    const auto sizes = unwrap(tensor).sizes();
    if (static_cast<int64_t>(sizes.size()) > capacity) throw std::invalid_argument("shape buffer too small");
    std::copy(sizes.begin(), sizes.end(), shape);
    return static_cast<int>(sizes.size());
  });
}

int sst_tensor_dtype(sst_tensor tensor) {
  return guarded(SST_FAIL, [&] { return static_cast<int>(unwrap(tensor).scalar_type()); });
}

int sst_tensor_device(sst_tensor tensor, int* device_type, int* device_index) {
  return guarded(SST_FAIL, [&] {
    const auto device = unwrap(tensor).device();
    *device_type = static_cast<int>(device.type());
    *device_index = device.index();
    return SST_OK;
  });
}

int sst_tensor_item(sst_tensor tensor, double* value) {
  return guarded(SST_FAIL, [&] {
    *value = unwrap(tensor).item<double>();
    return SST_OK;
  });
}

int sst_tensor_requires_grad(sst_tensor tensor) {
  return guarded(SST_FAIL, [&] { return unwrap(tensor).requires_grad() ? 1 : 0; });
}

int sst_tensor_set_requires_grad(sst_tensor tensor, int requires_grad) {
  return guarded(SST_FAIL, [&] {
    unwrap(tensor).requires_grad_(requires_grad != 0);
    return SST_OK;
  });
}

int sst_tensor_is_leaf(sst_tensor tensor) {
  return guarded(SST_FAIL, [&] { return unwrap(tensor).is_leaf() ? 1 : 0; });
}

int sst_tensor_backward(sst_tensor tensor, sst_tensor gradient, int retain_graph) {
  return guarded(SST_FAIL, [&] {
    const at::Tensor seed = gradient == nullptr ? at::Tensor() : unwrap(gradient);
    unwrap(tensor).backward(seed, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt);
    return SST_OK;
  });
}

int sst_tensor_grad(sst_tensor tensor, sst_tensor* gradient) {
  return guarded(SST_FAIL, [&] {
    const auto& grad = unwrap(tensor).grad();
    *gradient = grad.defined() ? wrap(grad) : nullptr;
    return SST_OK;
  });
}

sst_tensor sst_tensor_to(sst_tensor tensor, int dtype, int device_type, int device_index) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(unwrap(tensor).to(sst::device_of(device_type, device_index), sst::scalar_type_of(dtype)));
  });
}

}  // extern "C"
