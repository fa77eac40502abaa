// Small ONNX models built with the ONNX protobuf classes, for the importer's tests and the
// command-line tests that feed the binary an .onnx file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// The test programs do not link the ONNX targets' compile definitions (the workload library links
// ONNX privately), so they are repeated here.
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include "onnx/onnx_pb.h"

namespace meshforge::testing {

struct Dim {
  Dim(std::int64_t v) : value(v) {}        // NOLINT(google-explicit-constructor)
  Dim(const char* p) : param(p) {}         // NOLINT(google-explicit-constructor)
  std::int64_t value = -1;
  std::string param;
};

class ModelBuilder {
 public:
  explicit ModelBuilder(std::int64_t opset = 13) {
    model_.set_ir_version(8);
    model_.set_producer_name("meshforge-test");
    import_domain("", opset);
    graph()->set_name("test");
  }

  onnx::GraphProto* graph() { return model_.mutable_graph(); }

  void import_domain(const std::string& domain, std::int64_t version) {
    auto* opset = model_.add_opset_import();
    opset->set_domain(domain);
    opset->set_version(version);
  }

  void input(const std::string& name, const std::vector<Dim>& dims,
             int type = onnx::TensorProto::FLOAT) {
    auto* info = graph()->add_input();
    info->set_name(name);
    auto* tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(type);
    set_shape(*tensor->mutable_shape(), dims);
  }

  // A graph output declared with its element type only: shape inference fills in the shape.
  void output(const std::string& name, int type = onnx::TensorProto::FLOAT) {
    auto* info = graph()->add_output();
    info->set_name(name);
    info->mutable_type()->mutable_tensor_type()->set_elem_type(type);
  }

  void output(const std::string& name, const std::vector<Dim>& dims) {
    output(name);
    set_shape(*graph()->mutable_output(graph()->output_size() - 1)
                   ->mutable_type()->mutable_tensor_type()->mutable_shape(),
              dims);
  }

  // An initializer filled with zeros (raw_data), as an exporter would store it.
  void weight(const std::string& name, const std::vector<std::int64_t>& dims,
              int type = onnx::TensorProto::FLOAT) {
    auto* t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    std::int64_t n = 1;
    for (const auto d : dims) {
      t->add_dims(d);
      n *= d;
    }
    const std::int64_t size = type == onnx::TensorProto::INT64 ? 8
                              : type == onnx::TensorProto::INT8 ? 1
                                                                 : 4;
    t->set_raw_data(std::string(static_cast<std::size_t>(n * size), '\0'));
  }

  // A 1-D int64 initializer with values (shapes, axes).
  void ints(const std::string& name, const std::vector<std::int64_t>& values) {
    auto* t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (const auto v : values) t->add_int64_data(v);
  }

  // A rank-0 float initializer.
  void scalar(const std::string& name, float value) {
    auto* t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(value);
  }

  onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "",
                        const std::string& domain = "") {
    auto* n = graph()->add_node();
    n->set_op_type(op_type);
    n->set_name(name);
    n->set_domain(domain);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return *n;
  }

  std::string serialize() const { return model_.SerializeAsString(); }

 private:
  static void set_shape(onnx::TensorShapeProto& shape, const std::vector<Dim>& dims) {
    for (const Dim& d : dims) {
      auto* dim = shape.add_dim();
      if (d.param.empty())
        dim->set_dim_value(d.value);
      else
        dim->set_dim_param(d.param);
    }
  }

  onnx::ModelProto model_;
};

// x[input_dims] (last dimension 16) -> MatMul W1[16,32] -> Relu -> MatMul W2[32,8] -> y: an MLP
// of 2*16*32 + 32 + 2*32*8 = 1,568 FLOPs per row of x.
inline ModelBuilder relu_mlp(const std::vector<Dim>& input_dims) {
  ModelBuilder m;
  m.input("x", input_dims);
  m.weight("W1", {16, 32});
  m.weight("W2", {32, 8});
  m.node("MatMul", {"x", "W1"}, {"h"}, "fc1");
  m.node("Relu", {"h"}, {"h2"}, "relu");
  m.node("MatMul", {"h2", "W2"}, {"y"}, "fc2");
  m.output("y");
  return m;
}
inline constexpr double kReluMlpFlopsPerRow = 2.0 * 16 * 32 + 32 + 2.0 * 32 * 8;

}  // namespace meshforge::testing
