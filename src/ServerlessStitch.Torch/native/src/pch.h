// Precompiled for every translation unit of the shim: libtorch's headers dominate compile time.
#pragma once
#include <ATen/ATen.h>
#include <torch/script.h>
#include <torch/optim/adam.h>
#include <torch/nn/functional.h>
