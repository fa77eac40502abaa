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
// Unit of work: without token_dim, one run is one inference per sequence of the batch
// (WorkUnit::inference, tokens = batch); with token_dim, the name of a symbolic input dimension
// that counts tokens, its value (from symbolic_dims, else scenario.seq_tokens) is the number of
// tokens per sequence (WorkUnit::token, tokens = batch * value).
// Throws InputError (file, node/tensor, reason) for an unreadable file, a symbolic dimension
// without a value, a token_dim no input has (field "--token-dim"), or shapes inference cannot
// resolve.
Graph import_onnx(const std::filesystem::path& path, const Scenario& scenario,
                  const SymbolicDims& symbolic_dims, const std::string& token_dim = "");

}  // namespace meshforge::workload
