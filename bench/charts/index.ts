export { type Bar, type BarChart, type BarSeries, barChart, escapeXml, ticks } from './bar-chart.ts'
