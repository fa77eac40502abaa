// tb_mesh: NX x NY mesh of mf_router + mf_ni for the testbenches (not part of the generated
// hardware). Tile t = y*NX + x; its NI streams are flattened at [t*W +: W]. Boundary outputs
// get no credits (a router never has one for a port off the mesh) and edge_err flags any flit a
// router sends off the mesh. The receive data of tile (x, y) is g_y[y].g_x[x].rx_data (read
// hierarchically: a mesh-wide flattened output driven by every NI is slow in Icarus).
module tb_mesh #(
  parameter NX        = 4,
  parameter NY        = 4,
  parameter LINK_BITS = 64,
  parameter VCS       = 2,
  parameter DEPTH     = 4,
  parameter ROUTING   = 0
) (
  input  wire                      clk,
  input  wire                      rst,
  input  wire [NX*NY-1:0]          tx_valid,
  output wire [NX*NY-1:0]          tx_ready,
  input  wire [NX*NY*LINK_BITS-1:0] tx_data,
  input  wire [NX*NY-1:0]          tx_last,
  input  wire [NX*NY*8-1:0]        tx_dst_x,
  input  wire [NX*NY*8-1:0]        tx_dst_y,
  input  wire [NX*NY*((VCS > 1) ? $clog2(VCS) : 1)-1:0] tx_vc,
  output wire [NX*NY-1:0]          rx_valid,
  input  wire [NX*NY-1:0]          rx_ready,
  output wire [NX*NY-1:0]          rx_head,
  output wire [NX*NY-1:0]          rx_last,
  output reg                       edge_err
);
  localparam N   = NX * NY;
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam LB  = LINK_BITS;

  // Each router's signals live in its own generate scope (g_y[y].g_x[x]) and neighbours are
  // wired by hierarchical reference: one mesh-wide flattened bus with many drivers makes Icarus
  // re-send the whole bus to every reader on each change (100x slower).
  wire [N*5-1:0] all_valid;  // for the edge check only

  genvar gx, gy, gp;
  generate
    for (gy = 0; gy < NY; gy = gy + 1) begin : g_y
      for (gx = 0; gx < NX; gx = gx + 1) begin : g_x
        localparam R = gy * NX + gx;
        wire [4:0]       o_valid, o_head, o_tail;
        wire [5*VCB-1:0] o_vc;
        wire [5*LB-1:0]  o_data;
        wire [5*VCS-1:0] i_credit;
        wire [4:0]       i_valid, i_head, i_tail;
        wire [5*VCB-1:0] i_vc;
        wire [5*LB-1:0]  i_data;
        wire [5*VCS-1:0] o_credit;
        wire [LB-1:0]    rx_data;  // read hierarchically by the testbench
        assign all_valid[R*5 +: 5] = o_valid;
        // Input port p is fed by the neighbour's output port NP, our output p feeds it:
        // p1 north <- (x, y-1) port 3; p2 east <- (x+1, y) port 4; p3 south <- (x, y+1) port 1;
        // p4 west <- (x-1, y) port 2.
        if (gy > 0) begin : g_n
          assign i_valid[1] = g_y[gy-1].g_x[gx].o_valid[3];
          assign i_head[1]  = g_y[gy-1].g_x[gx].o_head[3];
          assign i_tail[1]  = g_y[gy-1].g_x[gx].o_tail[3];
          assign i_vc[1*VCB +: VCB] = g_y[gy-1].g_x[gx].o_vc[3*VCB +: VCB];
          assign i_data[1*LB +: LB] = g_y[gy-1].g_x[gx].o_data[3*LB +: LB];
          assign o_credit[1*VCS +: VCS] = g_y[gy-1].g_x[gx].i_credit[3*VCS +: VCS];
        end else begin : g_nn
          assign i_valid[1] = 1'b0; assign i_head[1] = 1'b0; assign i_tail[1] = 1'b0;
          assign i_vc[1*VCB +: VCB] = {VCB{1'b0}}; assign i_data[1*LB +: LB] = {LB{1'b0}};
          assign o_credit[1*VCS +: VCS] = {VCS{1'b0}};
        end
        if (gx < NX - 1) begin : g_e
          assign i_valid[2] = g_y[gy].g_x[gx+1].o_valid[4];
          assign i_head[2]  = g_y[gy].g_x[gx+1].o_head[4];
          assign i_tail[2]  = g_y[gy].g_x[gx+1].o_tail[4];
          assign i_vc[2*VCB +: VCB] = g_y[gy].g_x[gx+1].o_vc[4*VCB +: VCB];
          assign i_data[2*LB +: LB] = g_y[gy].g_x[gx+1].o_data[4*LB +: LB];
          assign o_credit[2*VCS +: VCS] = g_y[gy].g_x[gx+1].i_credit[4*VCS +: VCS];
        end else begin : g_ne
          assign i_valid[2] = 1'b0; assign i_head[2] = 1'b0; assign i_tail[2] = 1'b0;
          assign i_vc[2*VCB +: VCB] = {VCB{1'b0}}; assign i_data[2*LB +: LB] = {LB{1'b0}};
          assign o_credit[2*VCS +: VCS] = {VCS{1'b0}};
        end
        if (gy < NY - 1) begin : g_s
          assign i_valid[3] = g_y[gy+1].g_x[gx].o_valid[1];
          assign i_head[3]  = g_y[gy+1].g_x[gx].o_head[1];
          assign i_tail[3]  = g_y[gy+1].g_x[gx].o_tail[1];
          assign i_vc[3*VCB +: VCB] = g_y[gy+1].g_x[gx].o_vc[1*VCB +: VCB];
          assign i_data[3*LB +: LB] = g_y[gy+1].g_x[gx].o_data[1*LB +: LB];
          assign o_credit[3*VCS +: VCS] = g_y[gy+1].g_x[gx].i_credit[1*VCS +: VCS];
        end else begin : g_sn
          assign i_valid[3] = 1'b0; assign i_head[3] = 1'b0; assign i_tail[3] = 1'b0;
          assign i_vc[3*VCB +: VCB] = {VCB{1'b0}}; assign i_data[3*LB +: LB] = {LB{1'b0}};
          assign o_credit[3*VCS +: VCS] = {VCS{1'b0}};
        end
        if (gx > 0) begin : g_w
          assign i_valid[4] = g_y[gy].g_x[gx-1].o_valid[2];
          assign i_head[4]  = g_y[gy].g_x[gx-1].o_head[2];
          assign i_tail[4]  = g_y[gy].g_x[gx-1].o_tail[2];
          assign i_vc[4*VCB +: VCB] = g_y[gy].g_x[gx-1].o_vc[2*VCB +: VCB];
          assign i_data[4*LB +: LB] = g_y[gy].g_x[gx-1].o_data[2*LB +: LB];
          assign o_credit[4*VCS +: VCS] = g_y[gy].g_x[gx-1].i_credit[2*VCS +: VCS];
        end else begin : g_wn
          assign i_valid[4] = 1'b0; assign i_head[4] = 1'b0; assign i_tail[4] = 1'b0;
          assign i_vc[4*VCB +: VCB] = {VCB{1'b0}}; assign i_data[4*LB +: LB] = {LB{1'b0}};
          assign o_credit[4*VCS +: VCS] = {VCS{1'b0}};
        end
        mf_router #(.LINK_BITS(LB), .VCS(VCS), .DEPTH(DEPTH), .ROUTING(ROUTING)) u_router (
          .clk(clk), .rst(rst), .my_x(gx[7:0]), .my_y(gy[7:0]),
          .in_valid(i_valid), .in_head(i_head), .in_tail(i_tail), .in_vc(i_vc),
          .in_data(i_data), .in_credit(i_credit),
          .out_valid(o_valid), .out_head(o_head), .out_tail(o_tail), .out_vc(o_vc),
          .out_data(o_data), .out_credit(o_credit));
        mf_ni #(.LINK_BITS(LB), .VCS(VCS), .DEPTH(DEPTH)) u_ni (
          .clk(clk), .rst(rst), .my_x(gx[7:0]), .my_y(gy[7:0]),
          .tx_valid(tx_valid[R]), .tx_ready(tx_ready[R]), .tx_data(tx_data[R*LB +: LB]),
          .tx_last(tx_last[R]), .tx_dst_x(tx_dst_x[R*8 +: 8]), .tx_dst_y(tx_dst_y[R*8 +: 8]),
          .tx_vc(tx_vc[R*VCB +: VCB]),
          .rx_valid(rx_valid[R]), .rx_ready(rx_ready[R]), .rx_data(rx_data),
          .rx_head(rx_head[R]), .rx_last(rx_last[R]),
          .inj_valid(i_valid[0]), .inj_head(i_head[0]), .inj_tail(i_tail[0]),
          .inj_vc(i_vc[0 +: VCB]), .inj_data(i_data[0 +: LB]), .inj_credit(i_credit[0 +: VCS]),
          .ej_valid(o_valid[0]), .ej_head(o_head[0]), .ej_tail(o_tail[0]),
          .ej_vc(o_vc[0 +: VCB]), .ej_data(o_data[0 +: LB]), .ej_credit(o_credit[0 +: VCS]));
      end
    end
  endgenerate

  // A flit leaving the mesh boundary is a routing error.
  integer x, y;
  always @* begin
    edge_err = 1'b0;
    for (y = 0; y < NY; y = y + 1)
      for (x = 0; x < NX; x = x + 1) begin
        if (y == 0      && all_valid[(y*NX+x)*5+1]) edge_err = 1'b1;
        if (x == NX - 1 && all_valid[(y*NX+x)*5+2]) edge_err = 1'b1;
        if (y == NY - 1 && all_valid[(y*NX+x)*5+3]) edge_err = 1'b1;
        if (x == 0      && all_valid[(y*NX+x)*5+4]) edge_err = 1'b1;
      end
  end
endmodule
