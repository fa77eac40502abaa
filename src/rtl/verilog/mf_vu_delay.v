// A valid and its data delayed N cycles (N = 0: wires): the vector unit's control and operands on
// their way to a later stage. The valids reset; a data register loads only when the valid entering
// it is 1 (an idle unit does not toggle its wide operand registers). Verilog-2005.
module mf_vu_delay #(
  parameter W = 1,
  parameter N = 1
) (
  input          clk,
  input          rst,
  input          v,
  input  [W-1:0] d,
  output         vq,
  output [W-1:0] q
);
  wire [N:0]         vc;   // vc[i], dc[i*W +: W]: delayed i cycles
  wire [(N+1)*W-1:0] dc;
  assign vc[0] = v;
  assign dc[0 +: W] = d;
  genvar i;
  generate
    if (N == 0) begin : wire_only
      wire unused_clk = ^{clk, rst};
    end
    for (i = 0; i < N; i = i + 1) begin : st
      reg         vr;
      reg [W-1:0] dr;
      always @(posedge clk) begin
        if (rst) vr <= 1'b0;
        else     vr <= vc[i];
        if (vc[i]) dr <= dc[i*W +: W];
      end
      assign vc[i+1] = vr;
      assign dc[(i+1)*W +: W] = dr;
    end
  endgenerate
  assign vq = vc[N];
  assign q = dc[N*W +: W];
endmodule
