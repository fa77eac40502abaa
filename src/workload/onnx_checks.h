// Checks an ONNX model before libonnx's shape inference sees it, and bounds tensor sizes so the
// importer's arithmetic cannot overflow (issue 10). Internal to workload/: onnx_import.cpp's
// only helper.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
}

namespace meshforge::workload::onnx_checks {

// Generous bounds, far above any real model: the largest tensors of today's models (embedding
// tables, ~2^32 elements) are 4,096 times smaller than kMaxElements. With every tensor inside
// them, every product the importer forms (a GEMM's rows, a kernel's size) is a part of some
// tensor's element count and fits an int64.
inline constexpr std::int64_t kMaxDimension = std::int64_t{1} << 40;
inline constexpr std::int64_t kMaxElements = std::int64_t{1} << 44;
// A convolution's or pool's kernel extent, stride, dilation, padding or group.
inline constexpr std::int64_t kMaxWindow = std::int64_t{1} << 20;

// The element count of a tensor of these dimensions. Throws InputError(file, field) when a
// dimension is negative or above kMaxDimension, or the count is above kMaxElements.
std::int64_t checked_element_count(const std::vector<std::int64_t>& dims, const std::string& file,
                                   const std::string& field);

// Everything libonnx 1.12's shape inference takes on trust, checked in the main graph, in
// subgraphs (If, Loop, Scan bodies) and in model-local functions:
//  - each node against its operator's schema (onnx::OpSchema::Verify: input and output counts,
//    required attributes and their types), where the installed ONNX has one;
//  - the dimensions declared on graph inputs, outputs and value_info, and initializer sizes;
//  - convolutions and pools: ranks known before inference, the lengths and values of
//    kernel_shape, strides, dilations, pads and group. A convolution without kernel_shape gets
//    one from its constant weight, so libonnx compares the kernel's rank with the input's
//    instead of reading past the input's shape (a null dereference the fuzzer found when the
//    input's rank is known only after inference).
// Throws InputError naming the file and the node (or tensor) on the first failure.
void check_before_inference(onnx::ModelProto& model, const std::string& file);

}  // namespace meshforge::workload::onnx_checks
