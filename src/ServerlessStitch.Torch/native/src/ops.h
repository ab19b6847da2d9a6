// Operation codes shared with the managed side (ServerlessStitch.Torch/Native/OpCodes.cs mirrors them).
#pragma once

namespace sst {

enum class Unary : int {
  Abs = 0, Square, Sqrt, Neg, Sigmoid, Tanh, Exp, Log, Relu, Floor, Round, Sign, Rsqrt, Sin, Cos,
  Clone, Detach, Contiguous, Reciprocal, LogicalNot,
};

enum class Binary : int {
  Add = 0, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, Maximum, Minimum, Matmul, LogicalAnd, LogicalOr,
  ReverseSub, ReverseDiv,  // scalar-only: scalar - tensor, scalar / tensor
};

enum class InPlace : int { AddTensor = 0, SubTensor, MulTensor, DivTensor, AddScalar, MulScalar, Copy, Zero, Fill };

enum class Reduce : int { Sum = 0, Mean, Amax, Amin, Prod };

enum class Create : int { Zeros = 0, Ones, Full, Empty };

enum class Random : int { Normal = 0, Uniform };

enum class InterpolateMode : int { Nearest = 0, Bilinear, Bicubic, Area };

enum class GridSampleMode : int { Bilinear = 0, Nearest, Bicubic };

enum class PaddingMode : int { Zeros = 0, Border, Reflection };

enum class PadMode : int { Constant = 0, Reflect, Replicate, Circular };

enum class Loss : int { Mse = 0, L1 };

enum class Reduction : int { None = 0, Mean, Sum };

}  // namespace sst
