/**
 * The framework floor: a bare Express 5 + EJS app rendering a page of a given size from memory (no database, no
 * session, no middleware). `node --import tsx bench/floor-app.ts <port> <bytes>`; prints "ready" when listening.
 */
import ejs from 'ejs';
import express from 'express';

const port = Number(process.argv[2] ?? 3999);
const bytes = Number(process.argv[3] ?? 20000);
const template = ejs.compile(
  '<!doctype html><html lang="en"><head><title><%= title %></title></head><body><main><h1><%= title %></h1><% paragraphs.forEach(function (p) { %><p><%= p %></p><% }) %></main></body></html>',
);
const paragraph = 'Procurement Academy floor page: the same size as the real module page. '.repeat(4);
const paragraphs = Array.from({ length: Math.max(1, Math.round(bytes / (paragraph.length + 7))) }, () => paragraph);

const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.type('html').send(template({ title: 'Floor', paragraphs }));
});
app.listen(port, '127.0.0.1', () => console.log('ready'));
