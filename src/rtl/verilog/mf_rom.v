// Read-only memory wrapper (weights in ROM: weight_storage: rom): synchronous read, contents from
// a $readmemh file INIT. Behavioural for simulation; a black box under `SYNTHESIS` (a ROM
// compiler builds it from the same file).
`ifdef SYNTHESIS
(* blackbox *)
`endif
module mf_rom #(
  parameter WORDS = 1024,
  parameter BITS = 32,
  parameter INIT = "",
  parameter AW = (WORDS > 1) ? $clog2(WORDS) : 1  // derived: do not override
) (
  input wire clk,
  input wire en,
  input wire [AW-1:0] addr,
  output wire [BITS-1:0] rdata
);
`ifndef SYNTHESIS
  reg [BITS-1:0] mem [0:WORDS-1];
  reg [BITS-1:0] rdata_q;
  assign rdata = rdata_q;
  initial begin
    rdata_q = 0;
    if (INIT != "") $readmemh(INIT, mem);
  end
  always @(posedge clk)
    if (en) rdata_q <= mem[addr];
`endif
endmodule
