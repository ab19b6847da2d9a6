namespace ServerlessStitch.Torch.Native;

// Mirrors native/src/ops.h; the numeric values are the ABI.
internal enum UnaryOp
{
    Abs = 0, Square, Sqrt, Neg, Sigmoid, Tanh, Exp, Log, Relu, Floor, Round, Sign, Rsqrt, Sin, Cos,
    Clone, Detach, Contiguous, Reciprocal, LogicalNot,
}

internal enum BinaryOp
{
    Add = 0, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, Maximum, Minimum, Matmul, LogicalAnd, LogicalOr,
    ReverseSub, ReverseDiv,
}

internal enum InPlaceOp { AddTensor = 0, SubTensor, MulTensor, DivTensor, AddScalar, MulScalar, Copy, Zero, Fill }

internal enum ReduceOp { Sum = 0, Mean, Amax, Amin, Prod }

internal enum CreateKind { Zeros = 0, Ones, Full, Empty }

internal enum RandomKind { Normal = 0, Uniform }

internal enum LossKind { Mse = 0, L1 }
