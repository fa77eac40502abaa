// Read-only memory wrapper (weights in ROM: weight_storage: rom): synchronous read, contents from
// a $readmemh file INIT. Behavioural for simulation; a black box under `SYNTHESIS` (a ROM
// compiler builds it from the same file).
`ifdef SYNTHESIS
(* blackbox *)
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
endmodule
`else
module mf_rom #(
  parameter WORDS = 1024,
  parameter BITS = 32,
  parameter INIT = "",
  parameter AW = (WORDS > 1) ? $clog2(WORDS) : 1  // derived: do not override
) (
  input wire clk,
  input wire en,
  input wire [AW-1:0] addr,
  output reg [BITS-1:0] rdata
);
  reg [BITS-1:0] mem [0:WORDS-1];
  initial begin
    rdata = 0;
    if (INIT != "") $readmemh(INIT, mem);
  end
  always @(posedge clk)
    if (en) rdata <= mem[addr];
endmodule
`endif
