// torch.optim.Adam over a caller-given parameter list.
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

}  // extern "C"
