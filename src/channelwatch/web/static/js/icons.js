// Map symbols drawn on a canvas at start-up (no sprite sheet to fetch). Heading-up shapes point
// north; the map rotates them by the track's course.

import { TRACK_COLOURS } from './style.js';

export const ICON_PIXEL_RATIO = 2;

function canvas(size) {
  const c = document.createElement('canvas');
  c.width = size * ICON_PIXEL_RATIO;
  c.height = size * ICON_PIXEL_RATIO;
  const ctx = c.getContext('2d');
  ctx.scale(ICON_PIXEL_RATIO, ICON_PIXEL_RATIO);
  ctx.lineJoin = 'round';
  return [c, ctx];
}

function outline(ctx, width = 1.6, colour = '#0a0f14') {
  ctx.lineWidth = width;
  ctx.strokeStyle = colour;
  ctx.stroke();
}

const DRAW = {
  // A merchant ship: a long pointed hull.
  'track-ship'(ctx) {
    ctx.beginPath();
    ctx.moveTo(12, 2);
    ctx.lineTo(17, 9);
    ctx.lineTo(17, 21);
    ctx.lineTo(7, 21);
    ctx.lineTo(7, 9);
    ctx.closePath();
    ctx.fillStyle = TRACK_COLOURS.ship;
    ctx.fill();
    outline(ctx);
  },
  // A small boat: a bold triangle with a white rim, the symbol the eye must find first.
  'track-small_boat'(ctx) {
    ctx.beginPath();
    ctx.moveTo(12, 1.5);
    ctx.lineTo(21, 21);
    ctx.lineTo(3, 21);
    ctx.closePath();
    ctx.fillStyle = TRACK_COLOURS.small_boat;
    ctx.fill();
    outline(ctx, 2.4, '#ffffff');
  },
  // A rescue asset: a cross in a disc (not rotated).
  'track-rescue'(ctx) {
    ctx.beginPath();
    ctx.arc(12, 12, 9.5, 0, 2 * Math.PI);
    ctx.fillStyle = TRACK_COLOURS.rescue;
    ctx.fill();
    outline(ctx);
    ctx.fillStyle = '#1a1200';
    ctx.fillRect(10, 5.5, 4, 13);
    ctx.fillRect(5.5, 10, 13, 4);
  },
  // A patrol vessel: a diamond with a heading tick.
  'track-patrol'(ctx) {
    ctx.beginPath();
    ctx.moveTo(12, 2);
    ctx.lineTo(20, 12);
    ctx.lineTo(12, 22);
    ctx.lineTo(4, 12);
    ctx.closePath();
    ctx.fillStyle = TRACK_COLOURS.patrol;
    ctx.fill();
    outline(ctx);
    ctx.beginPath();
    ctx.moveTo(12, 5);
    ctx.lineTo(12, 12);
    outline(ctx, 2);
  },
  // Unknown: a dashed circle with a question mark (not rotated).
  'track-unknown'(ctx) {
    ctx.beginPath();
    ctx.arc(12, 12, 9, 0, 2 * Math.PI);
    ctx.fillStyle = TRACK_COLOURS.unknown;
    ctx.fill();
    outline(ctx);
    ctx.fillStyle = '#140820';
    ctx.font = 'bold 13px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('?', 12, 13);
  },
  'station-lifeboat'(ctx) {
    ctx.beginPath();
    ctx.rect(6, 6, 12, 12);
    ctx.fillStyle = '#7fe3ff';
    ctx.fill();
    outline(ctx);
    ctx.fillStyle = '#00303d';
    ctx.fillRect(11, 8, 2, 8);
    ctx.fillRect(8, 11, 8, 2);
  },
  'station-centre'(ctx) {
    ctx.beginPath();
    ctx.arc(12, 12, 8, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    outline(ctx, 2);
    ctx.beginPath();
    ctx.arc(12, 12, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = '#0050a0';
    ctx.fill();
  },
  'station-base'(ctx) {
    ctx.beginPath();
    ctx.rect(6.5, 6.5, 11, 11);
    ctx.fillStyle = '#0a0f14';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#7fe3ff';
    ctx.stroke();
  },
  'beach-embark'(ctx) {
    ctx.beginPath();
    ctx.moveTo(6, 7);
    ctx.lineTo(18, 7);
    ctx.lineTo(12, 17);
    ctx.closePath();
    ctx.fillStyle = '#ff9f43';
    ctx.fill();
    outline(ctx, 1.2);
  },
  'beach-landing'(ctx) {
    ctx.beginPath();
    ctx.arc(12, 12, 5, 0, 2 * Math.PI);
    ctx.fillStyle = '#7ddc6e';
    ctx.fill();
    outline(ctx, 1.2);
  },
  // Traffic lane direction: a chevron pointing north, rotated to the lane's direction.
  arrow(ctx) {
    ctx.beginPath();
    ctx.moveTo(12, 3);
    ctx.lineTo(19, 14);
    ctx.lineTo(14.5, 14);
    ctx.lineTo(14.5, 21);
    ctx.lineTo(9.5, 21);
    ctx.lineTo(9.5, 14);
    ctx.lineTo(5, 14);
    ctx.closePath();
    ctx.fillStyle = 'rgba(200, 190, 255, 0.85)';
    ctx.fill();
    outline(ctx, 1);
  },
};

// Coastal strips: pale diagonal hatching that repeats seamlessly (lines on x + y = k * step),
// so a red small-boat symbol inside a strip stays easy to see. Denser for the 200 m strip.
function hatch(ctx, step, width, fill) {
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, 24, 24);
  }
  ctx.strokeStyle = '#fff3b0';
  ctx.lineWidth = width;
  ctx.lineCap = 'square';
  for (let k = 0; k <= 48; k += step) {
    ctx.beginPath();
    ctx.moveTo(k + 1, -1);
    ctx.lineTo(-1, k + 1);
    ctx.stroke();
  }
}

DRAW['hatch-300'] = (ctx) => hatch(ctx, 12, 1.4, 'rgba(255, 243, 176, 0.10)');
DRAW['hatch-200'] = (ctx) => hatch(ctx, 6, 1.6, 'rgba(255, 243, 176, 0.22)');

/** Every symbol as a canvas of 24 x 24 CSS pixels (48 x 48 device pixels). */
export function drawIcons() {
  const out = {};
  for (const [name, draw] of Object.entries(DRAW)) {
    const [c, ctx] = canvas(24);
    draw(ctx);
    out[name] = c;
  }
  return out;
}

/** Kinds whose symbol shows the heading (the others stay upright). */
export const ROTATING = new Set(['ship', 'small_boat', 'patrol']);
