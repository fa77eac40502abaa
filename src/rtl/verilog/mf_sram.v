// Single-port SRAM wrapper: synchronous read (rdata holds until the next read), byte-enabled
// write. Behavioural for simulation (optionally preloaded with $readmemh from INIT); a black box
// under `SYNTHESIS`, to be replaced by a compiled macro (meshforge's macros.csv lists each one).
`ifdef SYNTHESIS
(* blackbox *)
module mf_sram #(
  parameter WORDS = 1024,
  parameter BITS = 32,
  parameter INIT = "",
  parameter AW = (WORDS > 1) ? $clog2(WORDS) : 1  // derived: do not override
) (
  input wire clk,
  input wire en,
  input wire we,
  input wire [AW-1:0] addr,
  input wire [BITS-1:0] wdata,
  input wire [BITS/8-1:0] wbe,
  output wire [BITS-1:0] rdata
);
endmodule
`else
module mf_sram #(
  parameter WORDS = 1024,
  parameter BITS = 32,
  parameter INIT = "",
  parameter AW = (WORDS > 1) ? $clog2(WORDS) : 1  // derived: do not override
) (
  input wire clk,
  input wire en,
  input wire we,
  input wire [AW-1:0] addr,
  input wire [BITS-1:0] wdata,
  input wire [BITS/8-1:0] wbe,
  output reg [BITS-1:0] rdata
);
  reg [BITS-1:0] mem [0:WORDS-1];
  integer b;
  initial begin
    rdata = 0;
    if (INIT != "") $readmemh(INIT, mem);
  end
  always @(posedge clk) begin
    if (en) begin
      if (we) begin
        for (b = 0; b < BITS / 8; b = b + 1)
          if (wbe[b]) mem[addr][b*8 +: 8] <= wdata[b*8 +: 8];
      end else begin
        rdata <= mem[addr];
      end
    end
  end
endmodule
`endif
