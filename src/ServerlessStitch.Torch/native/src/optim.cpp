// torch.optim.Adam over a caller-given parameter list, and its state (moments, step counts) as bytes.
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "guard.h"

using sst::guarded;
using sst::unwrap;
using Adam = torch::optim::Adam;

namespace {

Adam& adam_of(sst_adam handle) {
  if (handle == nullptr) throw std::invalid_argument("null optimizer handle");
  return *reinterpret_cast<Adam*>(handle);
}

// Where the optimizer's parameters live: a state saved on one device is loaded onto the optimizer's own.
c10::Device device_of_parameters(Adam& adam) {
  for (const auto& group : adam.param_groups())
    for (const auto& parameter : group.params()) return parameter.device();
  return c10::Device(c10::kCPU);
}

}  // namespace

extern "C" {

sst_adam sst_adam_new(const sst_tensor* parameters, int count, double lr, double beta1, double beta2, double eps,
                      double weight_decay, int amsgrad) {
  return guarded<sst_adam>(nullptr, [&] {
    if (count <= 0 || parameters == nullptr) throw std::invalid_argument("Adam needs at least one parameter");
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      const auto& parameter = unwrap(parameters[i]);
      if (!parameter.is_leaf()) throw std::invalid_argument("Adam parameter " + std::to_string(i) + " is not a leaf tensor");
      list.push_back(parameter);
    }
    auto options = torch::optim::AdamOptions(lr).betas({beta1, beta2}).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad != 0);
    return reinterpret_cast<sst_adam>(new Adam(std::move(list), options));
  });
}

void sst_adam_free(sst_adam optimizer) {
  guarded(0, [&] {
    delete reinterpret_cast<Adam*>(optimizer);
    return 0;
  });
}

int sst_adam_step(sst_adam optimizer) {
  return guarded(SST_FAIL, [&] {
    adam_of(optimizer).step();
    return SST_OK;
  });
}

int sst_adam_zero_grad(sst_adam optimizer) {
  return guarded(SST_FAIL, [&] {
    adam_of(optimizer).zero_grad();
    return SST_OK;
  });
}

int sst_adam_save_bytes(sst_adam optimizer, void** data, int64_t* length) {
  return guarded(SST_FAIL, [&] {
    if (data == nullptr || length == nullptr) throw std::invalid_argument("null output pointer");
    torch::serialize::OutputArchive archive;
    adam_of(optimizer).save(archive);
    std::ostringstream stream;
    archive.save_to(stream);
    const std::string bytes = stream.str();
    void* copy = std::malloc(bytes.size());
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, bytes.data(), bytes.size());
    *data = copy;
    *length = static_cast<int64_t>(bytes.size());
    return SST_OK;
  });
}

int sst_adam_load_bytes(sst_adam optimizer, const void* data, int64_t length) {
  return guarded(SST_FAIL, [&] {
    if (data == nullptr || length <= 0) throw std::invalid_argument("empty optimizer state");
    auto& adam = adam_of(optimizer);
    std::istringstream stream(std::string(static_cast<const char*>(data), static_cast<size_t>(length)));
    torch::serialize::InputArchive archive;
    archive.load_from(stream, device_of_parameters(adam));
    adam.load(archive);
    return SST_OK;
  });
}

}  // extern "C"
