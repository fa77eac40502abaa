// N registers in series, q = d delayed N cycles (N = 0: a wire). Free-running datapath registers
// (no enable, no reset: what they hold matters only while a valid travels beside them, as in the
// pipelined floating-point lanes of mf_vector_unit). Verilog-2005.
module mf_pipe_reg #(
  parameter W = 1,
  parameter N = 1
) (
  input          clk,
  input  [W-1:0] d,
  output [W-1:0] q
);
  wire [(N+1)*W-1:0] c;   // c[i*W +: W]: d delayed i cycles
  assign c[0 +: W] = d;
  genvar i;
  generate
    if (N == 0) begin : wire_only
      wire unused_clk = clk;
    end
    for (i = 0; i < N; i = i + 1) begin : st
      reg [W-1:0] r;
      always @(posedge clk) r <= c[i*W +: W];
      assign c[(i+1)*W +: W] = r;
    end
  endgenerate
  assign q = c[N*W +: W];
endmodule
