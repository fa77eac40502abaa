// ONNX models through Debian's libonnx, with its shape inference.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "workload/graph.h"

namespace meshforge::workload {

// Values for symbolic dimensions ("batch", "sequence_length", ...), given on the command line.
using SymbolicDims = std::map<std::string, std::int64_t>;

// Builds the operator graph of one run of the ONNX model. Initializers are weights; every node
// becomes an op. Nodes it cannot cost become OpKind::unsupported ops plus a warning.
// Throws InputError (file, node/tensor, reason) for an unreadable file, a symbolic dimension
// without a value, or shapes inference cannot resolve.
Graph import_onnx(const std::filesystem::path& path, const Scenario& scenario,
                  const SymbolicDims& symbolic_dims);

}  // namespace meshforge::workload
