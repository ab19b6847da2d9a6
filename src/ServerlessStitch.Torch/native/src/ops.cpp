// Element-wise maths, reductions, and shape/indexing operations. One export per family, switched by op code,
// keeps the ABI small; the switch costs nanoseconds against a microsecond-scale op.
#include <vector>

#include "guard.h"
#include "ops.h"

using sst::guarded;
using sst::unwrap;
using sst::wrap;

namespace {

[[noreturn]] void unknown(const char* family, int op) {
  throw std::invalid_argument(std::string("unknown ") + family + " op code " + std::to_string(op));
}

at::Tensor unary(const at::Tensor& x, sst::Unary op) {
  switch (op) {
    case sst::Unary::Abs: return x.abs();
    case sst::Unary::Square: return x.square();
    case sst::Unary::Sqrt: return x.sqrt();
    case sst::Unary::Neg: return x.neg();
    case sst::Unary::Sigmoid: return x.sigmoid();
    case sst::Unary::Tanh: return x.tanh();
    case sst::Unary::Exp: return x.exp();
    case sst::Unary::Log: return x.log();
    case sst::Unary::Relu: return x.relu();
    case sst::Unary::Floor: return x.floor();
    case sst::Unary::Round: return x.round();
    case sst::Unary::Sign: return x.sign();
    case sst::Unary::Rsqrt: return x.rsqrt();
    case sst::Unary::Sin: return x.sin();
    case sst::Unary::Cos: return x.cos();
    case sst::Unary::Clone: return x.clone();
    case sst::Unary::Detach: return x.detach();
    case sst::Unary::Contiguous: return x.contiguous();
    case sst::Unary::Reciprocal: return x.reciprocal();
    case sst::Unary::LogicalNot: return x.logical_not();
  }
  unknown("unary", static_cast<int>(op));
}

template <class Right>
at::Tensor binary(const at::Tensor& a, const Right& b, sst::Binary op) {
  switch (op) {
    case sst::Binary::Add: return at::add(a, b);
    case sst::Binary::Sub: return at::sub(a, b);
    case sst::Binary::Mul: return at::mul(a, b);
    case sst::Binary::Div: return at::div(a, b);
    case sst::Binary::Pow: return at::pow(a, b);
    case sst::Binary::Eq: return at::eq(a, b);
    case sst::Binary::Ne: return at::ne(a, b);
    case sst::Binary::Lt: return at::lt(a, b);
    case sst::Binary::Le: return at::le(a, b);
    case sst::Binary::Gt: return at::gt(a, b);
    case sst::Binary::Ge: return at::ge(a, b);
    default: break;
  }
  if constexpr (std::is_same_v<Right, at::Tensor>) {
    switch (op) {
      case sst::Binary::Maximum: return at::maximum(a, b);
      case sst::Binary::Minimum: return at::minimum(a, b);
      case sst::Binary::Matmul: return at::matmul(a, b);
      case sst::Binary::LogicalAnd: return at::logical_and(a, b);
      case sst::Binary::LogicalOr: return at::logical_or(a, b);
      default: break;
    }
  } else {
    switch (op) {
      case sst::Binary::ReverseSub: return at::rsub(a, b);
      case sst::Binary::ReverseDiv: return at::mul(a.reciprocal(), b);
      case sst::Binary::Maximum: return at::clamp_min(a, b);
      case sst::Binary::Minimum: return at::clamp_max(a, b);
      default: break;
    }
  }
  unknown("binary", static_cast<int>(op));
}

std::vector<at::Tensor> gather(const sst_tensor* tensors, int count) {
  if (count <= 0 || tensors == nullptr) throw std::invalid_argument("expected a non-empty tensor list");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) list.push_back(unwrap(tensors[i]));
  return list;
}

}  // namespace

extern "C" {

sst_tensor sst_unary(sst_tensor tensor, int op) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unary(unwrap(tensor), static_cast<sst::Unary>(op))); });
}

sst_tensor sst_binary(sst_tensor left, sst_tensor right, int op) {
  return guarded<sst_tensor>(nullptr,
                             [&] { return wrap(binary(unwrap(left), unwrap(right), static_cast<sst::Binary>(op))); });
}

sst_tensor sst_binary_scalar(sst_tensor left, double right, int op) {
  return guarded<sst_tensor>(
      nullptr, [&] { return wrap(binary(unwrap(left), at::Scalar(right), static_cast<sst::Binary>(op))); });
}

int sst_inplace(sst_tensor target, sst_tensor source, double scalar, int op) {
  return guarded(SST_FAIL, [&] {
    auto& t = unwrap(target);
    switch (static_cast<sst::InPlace>(op)) {
      case sst::InPlace::AddTensor: t.add_(unwrap(source)); break;
      case sst::InPlace::SubTensor: t.sub_(unwrap(source)); break;
      case sst::InPlace::MulTensor: t.mul_(unwrap(source)); break;
      case sst::InPlace::DivTensor: t.div_(unwrap(source)); break;
      case sst::InPlace::AddScalar: t.add_(scalar); break;
      case sst::InPlace::MulScalar: t.mul_(scalar); break;
      case sst::InPlace::Copy: t.copy_(unwrap(source)); break;
      case sst::InPlace::Zero: t.zero_(); break;
      case sst::InPlace::Fill: t.fill_(scalar); break;
      default: unknown("in-place", op);
    }
    return SST_OK;
  });
}

sst_tensor sst_reduce(sst_tensor tensor, int op, const int64_t* dims, int ndims, int keepdim) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto& x = unwrap(tensor);
    const bool all = ndims == 0;
    const auto d = sst::dims_of(dims, ndims);
    const bool keep = keepdim != 0;
    switch (static_cast<sst::Reduce>(op)) {
      case sst::Reduce::Sum: return wrap(all ? x.sum() : x.sum(d, keep));
      case sst::Reduce::Mean: return wrap(all ? x.mean() : x.mean(d, keep));
      case sst::Reduce::Amax: return wrap(all ? x.max() : x.amax(d, keep));
      case sst::Reduce::Amin: return wrap(all ? x.min() : x.amin(d, keep));
      case sst::Reduce::Prod:
        if (all) return wrap(x.prod());
        if (ndims != 1) throw std::invalid_argument("prod reduces over one dimension at a time");
        return wrap(x.prod(dims[0], keep));
    }
    unknown("reduction", op);
  });
}

sst_tensor sst_norm(sst_tensor tensor, double p, const int64_t* dims, int ndims, int keepdim) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto& x = unwrap(tensor);
    if (ndims == 0) return wrap(at::norm(x, p));
    return wrap(at::norm(x, p, sst::dims_of(dims, ndims), keepdim != 0));
  });
}

int sst_max_dim(sst_tensor tensor, int64_t dim, int keepdim, int is_min, sst_tensor* values, sst_tensor* indices) {
  return guarded(SST_FAIL, [&] {
    auto [v, i] = is_min != 0 ? unwrap(tensor).min(dim, keepdim != 0) : unwrap(tensor).max(dim, keepdim != 0);
    auto* value_handle = wrap(std::move(v));
    try {
      *indices = wrap(std::move(i));
    } catch (...) {
      sst_tensor_free(value_handle);
      throw;
    }
    *values = value_handle;
    return SST_OK;
  });
}

sst_tensor sst_argmax(sst_tensor tensor, int64_t dim, int has_dim, int keepdim) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(unwrap(tensor).argmax(has_dim != 0 ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0));
  });
}

sst_tensor sst_clamp(sst_tensor tensor, double min, int has_min, double max, int has_max) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(unwrap(tensor).clamp(has_min != 0 ? c10::optional<at::Scalar>(min) : c10::nullopt,
                                     has_max != 0 ? c10::optional<at::Scalar>(max) : c10::nullopt));
  });
}

sst_tensor sst_where(sst_tensor condition, sst_tensor when_true, sst_tensor when_false) {
  return guarded<sst_tensor>(nullptr,
                             [&] { return wrap(at::where(unwrap(condition), unwrap(when_true), unwrap(when_false))); });
}

sst_tensor sst_softmax(sst_tensor tensor, int64_t dim, int log) {
  return guarded<sst_tensor>(nullptr, [&] {
    return wrap(log != 0 ? unwrap(tensor).log_softmax(dim) : unwrap(tensor).softmax(dim));
  });
}

sst_tensor sst_leaky_relu(sst_tensor tensor, double negative_slope) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(at::leaky_relu(unwrap(tensor), negative_slope)); });
}

sst_tensor sst_reshape(sst_tensor tensor, const int64_t* shape, int ndim, int view) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto dims = sst::dims_of(shape, ndim);
    return wrap(view != 0 ? unwrap(tensor).view(dims) : unwrap(tensor).reshape(dims));
  });
}

sst_tensor sst_permute(sst_tensor tensor, const int64_t* dims, int ndim) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).permute(sst::dims_of(dims, ndim))); });
}

sst_tensor sst_expand(sst_tensor tensor, const int64_t* shape, int ndim) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).expand(sst::dims_of(shape, ndim))); });
}

sst_tensor sst_repeat(sst_tensor tensor, const int64_t* repeats, int ndim) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).repeat(sst::dims_of(repeats, ndim))); });
}

sst_tensor sst_slice(sst_tensor tensor, int64_t dim, int64_t start, int64_t end, int64_t step) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).slice(dim, start, end, step)); });
}

sst_tensor sst_narrow(sst_tensor tensor, int64_t dim, int64_t start, int64_t length) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).narrow(dim, start, length)); });
}

sst_tensor sst_select(sst_tensor tensor, int64_t dim, int64_t index) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).select(dim, index)); });
}

sst_tensor sst_index_select(sst_tensor tensor, int64_t dim, sst_tensor index) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).index_select(dim, unwrap(index))); });
}

sst_tensor sst_transpose(sst_tensor tensor, int64_t dim0, int64_t dim1) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).transpose(dim0, dim1)); });
}

sst_tensor sst_squeeze(sst_tensor tensor, int64_t dim, int has_dim) {
  return guarded<sst_tensor>(nullptr,
                             [&] { return wrap(has_dim != 0 ? unwrap(tensor).squeeze(dim) : unwrap(tensor).squeeze()); });
}

sst_tensor sst_unsqueeze(sst_tensor tensor, int64_t dim) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).unsqueeze(dim)); });
}

sst_tensor sst_flatten(sst_tensor tensor, int64_t start_dim, int64_t end_dim) {
  return guarded<sst_tensor>(nullptr, [&] { return wrap(unwrap(tensor).flatten(start_dim, end_dim)); });
}

sst_tensor sst_join(const sst_tensor* tensors, int count, int64_t dim, int stack) {
  return guarded<sst_tensor>(nullptr, [&] {
    const auto list = gather(tensors, count);
    return wrap(stack != 0 ? at::stack(list, dim) : at::cat(list, dim));
  });
}

}  // extern "C"
